use eventbind_runtime::Validate;

#[derive(Validate)]
struct Doc {
    #[validate(schema = r#"{"properties": {"a": {"minimumm": 1}}}"#)]
    value: serde_json::Value,
}

fn main() {}
