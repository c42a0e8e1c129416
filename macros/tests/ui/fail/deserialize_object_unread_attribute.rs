use eventbind_runtime::DeserializeObject;

// Serde would read `camelCase` names; the derive refuses rather than read `user_name`.
#[derive(DeserializeObject)]
#[serde(rename_all = "camelCase")]
struct Account {
    user_name: String,
}

#[derive(DeserializeObject)]
struct Pair(u8, u8);

#[derive(DeserializeObject)]
struct Two {
    #[serde(flatten)]
    one: std::collections::BTreeMap<String, u8>,
    #[serde(flatten)]
    other: std::collections::BTreeMap<String, u8>,
}

fn main() {}
