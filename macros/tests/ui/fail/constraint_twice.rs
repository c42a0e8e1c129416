use eventbind_runtime::Validate;

#[derive(serde::Deserialize, Validate)]
struct Customer {
    #[validate(max_length = 10)]
    #[validate(min_length = 1, max_length = 20)]
    name: String,
}

fn main() {}
