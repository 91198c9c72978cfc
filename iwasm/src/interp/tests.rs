//! Translator tests: the shape of the code emitted for small functions.

use alloc::vec::Vec;

use super::ops::Instr;
use super::translate::translate;
use crate::loader::Module;

/// Translates function `index` of the module in `wat`.
fn code_of(wat: &str, index: u32) -> Vec<Instr> {
    let module = Module::new(&wat::parse_str(wat).expect("valid wat")).expect("valid module");
    translate(&module.info, index).expect("translates").code.into_vec()
}

#[test]
fn dump_loops() {
    for path in ["float", "loops", "memory", "sieve"] {
        let Ok(wat) = std::fs::read_to_string(alloc::format!("../tests/bench/programs/{path}.wat")) else { continue };
        let module = Module::new(&wat::parse_str(&wat).unwrap()).unwrap();
        for f in 0..module.info.funcs.len() as u32 {
            let code = translate(&module.info, f).unwrap();
            std::println!("== {path} func {f} frame {}", code.frame_size);
            for (i, ins) in code.code.iter().enumerate() {
                std::println!("{i:4} {ins:?}");
            }
        }
    }
}
