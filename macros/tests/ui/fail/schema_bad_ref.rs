use eventbind_runtime::Validate;

#[derive(Validate)]
struct Doc {
    #[validate(schema = r#"{"not": {"$ref": "other.json#/a"}}"#)]
    value: serde_json::Value,
}

fn main() {}
