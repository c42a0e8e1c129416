use eventbind_runtime::Validate;

#[derive(serde::Deserialize, Validate)]
struct Customer {
    #[validate(min_length = 1, min_len = 3)]
    name: String,
}

fn main() {}
