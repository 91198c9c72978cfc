//! A `wat2wasm` with validation: reads WebAssembly text on stdin, assembles it (the `wat`
//! crate), validates the result (`wasmparser`) and prints a JSON summary. Repeats the work
//! `argv[1]` times (default 1) to make a longer run.

use std::io::Read;

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1);
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).expect("read stdin");
    let mut total = 0usize;
    let mut functions = 0usize;
    for _ in 0..rounds {
        let binary = wat::parse_str(&text).expect("valid wat");
        let mut validator = wasmparser::Validator::new();
        validator.validate_all(&binary).expect("valid module");
        total += binary.len();
        functions = wasmparser::Parser::new(0)
            .parse_all(&binary)
            .filter(|p| matches!(p, Ok(wasmparser::Payload::CodeSectionEntry(_))))
            .count();
    }
    let summary = serde_json::json!({ "bytes": total, "functions": functions, "rounds": rounds });
    println!("{summary}");
}
