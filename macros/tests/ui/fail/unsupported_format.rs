use eventbind_runtime::Validate;

#[derive(serde::Deserialize, Validate)]
struct Customer {
    #[validate(format = "phone-number")]
    phone: String,
}

fn main() {}
