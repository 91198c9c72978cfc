//! x86-64 register numbers (the hardware encoding, as `dynasm`'s `Rq(n)` uses them).

pub(crate) const RAX: u8 = 0;
pub(crate) const RCX: u8 = 1;
pub(crate) const RDX: u8 = 2;
pub(crate) const RSI: u8 = 6;
pub(crate) const RDI: u8 = 7;
pub(crate) const R8: u8 = 8;
pub(crate) const R9: u8 = 9;
/// Scratch floating-point registers.
pub(crate) const XMM0: u8 = 0;
pub(crate) const XMM1: u8 = 1;
