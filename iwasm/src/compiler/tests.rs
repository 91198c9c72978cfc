//! Unit tests of the code generator against a back end that records what it is asked to
//! emit (ISA-neutral: the same expectations hold for every back end), and of a back end's
//! encodings, cross-assembled on whatever host runs the tests.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::codegen;
use super::masm::{
    Callee, FloatCmp, FloatOp, FloatWidth, FunctionCode, IntCmp, IntOp, MacroAssembler, MemAccess,
    Operand, Reg, RuntimeCall, Slot, UnOp, Width,
};
use crate::error::{Error, TrapCode};
use crate::Module;

/// Records every call as a line of text.
#[derive(Default)]
struct Recorder {
    lines: Vec<String>,
    labels: u32,
}

impl Recorder {
    fn log(&mut self, line: String) {
        self.lines.push(line);
    }
}

impl MacroAssembler for Recorder {
    type Label = u32;
    fn gprs(&self) -> &'static [u8] {
        &[10, 11, 12, 13]
    }
    const FPRS: &'static [u8] = &[20, 21];

    fn new_label(&mut self) -> u32 {
        self.labels += 1;
        self.labels
    }
    fn bind(&mut self, label: u32) {
        self.log(format!("L{label}:"));
    }
    fn fuel_charge(&mut self, cost: u32) {
        self.log(format!("fuel_charge {cost}"));
    }
    fn interrupt_check(&mut self) {
        self.log("interrupt_check".into());
    }
    fn prologue(&mut self, params: u32, locals: u32) {
        self.log(format!("prologue {params} {locals}"));
    }
    fn epilogue(&mut self, results: &[Slot]) {
        self.log(format!("epilogue {results:?}"));
    }
    fn finish(self, frame_slots: u32) -> Result<FunctionCode, Error> {
        let mut text = self.lines.join("\n");
        text += &format!("\nframe {frame_slots}");
        Ok(FunctionCode {
            code: text.into_bytes(),
            direct_entry: 0,
            direct_calls: Vec::new(),
            features: Default::default(),
        })
    }
    fn copy(&mut self, src: Operand, dst: Slot) {
        self.log(format!("copy {src:?} -> {dst}"));
    }
    fn move_to(&mut self, src: Operand, dst: Reg) {
        self.log(format!("move {src:?} -> {dst:?}"));
    }
    fn int_op(&mut self, op: IntOp, w: Width, l: Operand, r: Operand, d: Reg) {
        self.log(format!("{op:?}.{w:?} {l:?} {r:?} -> {d:?}"));
    }
    fn int_cmp(&mut self, c: IntCmp, w: Width, l: Operand, r: Operand, d: Reg) {
        self.log(format!("{c:?}.{w:?} {l:?} {r:?} -> {d:?}"));
    }
    fn float_op(&mut self, op: FloatOp, w: FloatWidth, l: Operand, r: Operand, d: Reg) {
        self.log(format!("{op:?}.{w:?} {l:?} {r:?} -> {d:?}"));
    }
    fn float_cmp(&mut self, c: FloatCmp, w: FloatWidth, l: Operand, r: Operand, d: Reg) {
        self.log(format!("{c:?}.{w:?} {l:?} {r:?} -> {d:?}"));
    }
    fn has_popcnt(&self) -> bool {
        true
    }
    fn unary(&mut self, op: UnOp, src: Operand, dst: Reg) {
        self.log(format!("{op:?} {src:?} -> {dst:?}"));
    }
    fn numeric_helper(&mut self, helper: u32, a: Operand, b: Operand, dst: Reg) {
        self.log(format!("helper {helper} {a:?} {b:?} -> {dst:?}"));
    }
    fn select(&mut self, c: Operand, a: Operand, b: Operand, dst: Reg) {
        self.log(format!("select {c:?} {a:?} {b:?} -> {dst:?}"));
    }
    fn load(&mut self, access: MemAccess, addr: Operand, offset: u64, dst: Reg) {
        self.log(format!("load{} {addr:?}+{offset} -> {dst:?}", access.bytes));
    }
    fn store(&mut self, access: MemAccess, addr: Operand, offset: u64, value: Operand) {
        self.log(format!("store{} {addr:?}+{offset} {value:?}", access.bytes));
    }
    fn memory_size(&mut self, dst: Reg) {
        self.log(format!("memory.size -> {dst:?}"));
    }
    fn global_get(&mut self, global: u32, dst: Reg) {
        self.log(format!("global.get {global} -> {dst:?}"));
    }
    fn global_set(&mut self, global: u32, src: Operand) {
        self.log(format!("global.set {global} {src:?}"));
    }
    fn table_get(&mut self, table: u32, index: Operand, dst: Reg) {
        self.log(format!("table.get {table} {index:?} -> {dst:?}"));
    }
    fn table_set(&mut self, table: u32, index: Operand, value: Operand) {
        self.log(format!("table.set {table} {index:?} {value:?}"));
    }
    fn table_size(&mut self, table: u32, dst: Reg) {
        self.log(format!("table.size {table} -> {dst:?}"));
    }
    fn ref_func(&mut self, func: u32, dst: Reg) {
        self.log(format!("ref.func {func} -> {dst:?}"));
    }
    fn runtime_call(&mut self, call: RuntimeCall, args: &[Operand], dst: Option<Slot>) {
        self.log(format!("{call:?} {args:?} -> {dst:?}"));
    }
    fn call(&mut self, callee: Callee, base: Slot) {
        self.log(format!("call {callee:?} at {base}"));
    }
    fn jump(&mut self, target: u32) {
        self.log(format!("jump L{target}"));
    }
    fn branch_if(&mut self, cond: Operand, if_nonzero: bool, target: u32) {
        self.log(format!("branch_if {cond:?} nonzero={if_nonzero} L{target}"));
    }
    fn compare_and_branch(&mut self, c: IntCmp, w: Width, l: Operand, r: Operand, target: u32) {
        self.log(format!("if {c:?}.{w:?} {l:?} {r:?} jump L{target}"));
    }
    fn float_compare_and_branch(
        &mut self,
        cmp: FloatCmp,
        width: FloatWidth,
        negate: bool,
        l: Operand,
        r: Operand,
        target: u32,
    ) {
        self.log(format!(
            "branch {cmp:?}.{width:?} negate={negate} {l:?} {r:?} L{target}"
        ));
    }
    fn branch_table(&mut self, index: Operand, targets: &[u32], default: u32) {
        self.log(format!("br_table {index:?} {targets:?} default L{default}"));
    }
    fn trap(&mut self, code: TrapCode) {
        self.log(format!("trap {code:?}"));
    }
}

/// Settings for `arch` at `opt_level`, with guard pages and no optional CPU features.
fn settings(arch: crate::target::Arch, opt_level: u8) -> super::Settings {
    super::Settings {
        arch,
        bounds: super::Bounds::GuardPages,
        cpu_features: Default::default(),
        opt_level,
        direct_calls: opt_level >= 2,
        fuel: false,
    }
}

/// The recorded code of function 0 of `wat` (entered at loop `loop_entry` if given).
fn record(wat: &str, loop_entry: Option<u32>) -> Option<String> {
    let module = Module::new(&wat::parse_str(wat).unwrap()).unwrap();
    let settings = settings(crate::target::Arch::X86_64, 0);
    let code =
        codegen::compile(&module.info, 0, Recorder::default(), settings, loop_entry).unwrap()?;
    Some(String::from_utf8(code.code).unwrap())
}

#[test]
fn locals_live_in_registers_and_results_reuse_them() {
    let text = record(
        r#"(module (func (param i32) (result i32)
            (local.set 0 (i32.add (local.get 0) (i32.const 1)))
            (local.get 0)))"#,
        None,
    )
    .unwrap();
    let expected = [
        "prologue 1 1",
        "move Slot(0) -> Gpr(10)",
        // The sum goes to a fresh register (the local's is not clobbered), then to the local.
        "Add.W32 Reg(Gpr(10)) Imm(1) -> Gpr(13)",
        "move Reg(Gpr(13)) -> Gpr(10)",
        // The result is written to its slot for the epilogue.
        "copy Reg(Gpr(10)) -> 1",
        "epilogue [1]",
        "frame 2",
    ];
    assert_eq!(text.lines().collect::<Vec<_>>(), expected, "{text}");
}

#[test]
fn a_compare_before_br_if_becomes_one_compare_and_branch() {
    let text = record(
        r#"(module (func (param i32)
            (block (br_if 0 (i32.eqz (local.get 0))) (nop))))"#,
        None,
    )
    .unwrap();
    assert!(
        text.contains("if Eq.W32 Reg(Gpr(10)) Imm(0) jump L2"),
        "{text}"
    );
    assert!(!text.contains("Eqz"), "{text}");
}

#[test]
fn loop_entries_exist_only_for_loops_on_an_empty_stack() {
    let wat = r#"(module (func (param i32) (result i32)
        (loop (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
        (i32.add (i32.const 7)
          (block (result i32)
            (loop (result i32) (local.get 0))))))"#;
    let entered = record(wat, Some(0)).unwrap();
    // All locals come in as arguments, then a jump to the loop's start, past the
    // loop header's interrupt check (the interpreter has just made it).
    assert!(
        entered.starts_with("prologue 1 1\nmove Slot(0) -> Gpr(10)\njump L1"),
        "{entered}"
    );
    assert!(entered.contains("L3:\ninterrupt_check\nL1:"), "{entered}");
    // The second loop starts with the constant 7 on the stack: no entry there.
    assert_eq!(record(wat, Some(1)), None);
    assert_eq!(record(wat, Some(5)), None);
}

#[test]
fn fuel_is_charged_per_segment_and_a_loop_entry_pays_its_first_iteration() {
    let wat = r#"(module (func (param i32) (result i32)
        (loop (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
        (local.get 0)))"#;
    let module = Module::new(&wat::parse_str(wat).unwrap()).unwrap();
    let settings = super::Settings {
        fuel: true,
        ..settings(crate::target::Arch::X86_64, 0)
    };
    let record = |loop_entry| {
        let code = codegen::compile(&module.info, 0, Recorder::default(), settings, loop_entry);
        String::from_utf8(code.unwrap().unwrap().code).unwrap()
    };
    let text = record(None);
    // The loop body (5 operators) is charged on every iteration, after the loop's label;
    // the rest of the function (1) after the loop.
    let body = text.find("fuel_charge 5").expect("loop body charged");
    assert!(text[..body].contains("interrupt_check\n"), "{text}");
    assert!(text[body..].contains("fuel_charge 1"), "{text}");
    assert_eq!(text.matches("fuel_charge").count(), 2, "{text}");
    // Entered at the loop from the interpreter, the code charges the iteration it starts.
    let entered = record(Some(0));
    let label = entered.find("L1:").expect("loop entry");
    assert!(
        entered[label..].starts_with("L1:\nfuel_charge 5"),
        "{entered}"
    );
}

/// The instruction words of function 0 of `wat`, compiled for AArch64 (on any host).
fn aarch64_words(wat: &str) -> Vec<u32> {
    let module = Module::new(&wat::parse_str(wat).unwrap()).unwrap();
    let settings = settings(crate::target::Arch::Aarch64, 3);
    let code = super::compile_function(&module.info, 0, settings)
        .unwrap()
        .code;
    assert_eq!(code.len() % 4, 0, "whole instruction words");
    code.chunks(4)
        .map(|word| u32::from_le_bytes(word.try_into().unwrap()))
        .collect()
}

#[test]
fn aarch64_code_cross_assembles_with_the_expected_encodings() {
    let words = aarch64_words(
        r#"(module (memory 1) (func (param i32) (result i32)
            (i32.popcnt (i32.load offset=8 (local.get 0)))))"#,
    );
    // cnt v0.8b, v0.8b; addv b0, v0.8b: popcount in NEON, baseline ARMv8.0-A.
    let popcount = [0x0e20_5800, 0x0e31_b800];
    assert!(
        words.windows(2).any(|pair| pair == popcount),
        "{words:08x?}"
    );
    // ldr w?, [x21, x16]: the load from memory 0's base (x21) plus the index (x16).
    let load = |w: &u32| w & 0xffff_ffe0 == 0xb870_6aa0;
    assert!(words.iter().any(load), "{words:08x?}");
    assert!(words.contains(&0xd65f_03c0), "ret");
}
