//! A table of every named type of the four vendor crates, with a function
//! that parses and validates an instance as that type, so the differential
//! test can reach each schema by name.

use std::fmt::Write as _;
use std::path::PathBuf;

const VENDORS: &[(&str, &str)] = &[
    ("avalara-certcapture", "eventbind_avalara_certcapture"),
    ("avaza", "eventbind_avaza"),
    ("commenda", "eventbind_commenda"),
    ("vertex", "eventbind_vertex"),
];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let mut table = String::from("pub static TYPES: &[GeneratedType] = &[\n");
    for (vendor, krate) in VENDORS {
        let spec = manifest.join("../../specs").join(vendor);
        println!("cargo:rerun-if-changed={}", spec.display());
        let loaded = eventbind_codegen::load(&spec).unwrap_or_else(|e| panic!("{e}"));
        for def in &loaded.catalog.types {
            writeln!(
                table,
                "    GeneratedType {{ vendor: {vendor:?}, name: {:?}, parse: |bytes| eventbind_runtime::from_slice::<{krate}::{}>(bytes).map(|_| ()) }},",
                def.name, def.name
            )
            .unwrap();
        }
    }
    table.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::write(out.join("types.rs"), table).unwrap();
}
