use eventbind_runtime::Validate;

#[derive(Validate)]
struct Divisible {
    #[validate(multiple_of = 0)]
    n: i64,
}

fn main() {}
