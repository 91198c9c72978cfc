//! Errors and traps.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Why execution stopped abnormally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrapCode {
    /// `unreachable` was executed.
    Unreachable,
    /// A load, store or bulk memory operation went out of bounds.
    MemoryOutOfBounds,
    /// A table access or bulk table operation went out of bounds.
    TableOutOfBounds,
    /// `call_indirect` with an index past the table's end.
    UndefinedElement,
    /// `call_indirect` through a null table entry.
    UninitializedElement,
    /// `call_indirect` to a function of the wrong type.
    IndirectCallTypeMismatch,
    /// Integer division or remainder by zero.
    IntegerDivideByZero,
    /// Integer overflow in division or float-to-int conversion.
    IntegerOverflow,
    /// Float-to-int conversion of NaN.
    InvalidConversionToInteger,
    /// The call stack or value stack is exhausted.
    StackExhausted,
    /// A host function returned an error.
    Host,
    /// The program asked to exit (WASI `proc_exit`); see [`Trap::exit_code`].
    Exit,
    /// The embedder stopped the guest ([`InterruptHandle::interrupt`](crate::InterruptHandle),
    /// a deadline or `--timeout`).
    Interrupted,
    /// The store's fuel ran out (see [`Config::consume_fuel`](crate::Config::consume_fuel)).
    OutOfFuel,
}

impl TrapCode {
    /// The message the WebAssembly spec test suite uses for this trap.
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::UndefinedElement => "undefined element",
            TrapCode::UninitializedElement => "uninitialized element",
            TrapCode::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapCode::IntegerDivideByZero => "integer divide by zero",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::InvalidConversionToInteger => "invalid conversion to integer",
            TrapCode::StackExhausted => "call stack exhausted",
            TrapCode::Host => "host error",
            TrapCode::Exit => "program exited",
            TrapCode::Interrupted => "interrupted",
            TrapCode::OutOfFuel => "all fuel consumed",
        }
    }
}

/// A trap: its cause, a message and the wasm call stack (innermost first) when it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trap {
    code: TrapCode,
    message: Option<String>,
    exit_code: Option<i32>,
    backtrace: Vec<Frame>,
}

/// One function on a trap's call stack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// A printable name: from the module's name section, else `$f<index>`; `<host>` for a
    /// host function.
    pub name: String,
    /// For a wasm function: its instance and its index in the module's function space.
    pub func: Option<(crate::runtime::Instance, u32)>,
    /// Offset of the function's body in the module's binary (0 when the module came from an
    /// AOT image, which keeps no wasm code).
    pub module_offset: usize,
}

impl Trap {
    /// A trap with the standard message of `code`.
    pub fn new(code: TrapCode) -> Trap {
        Trap {
            code,
            message: None,
            exit_code: None,
            backtrace: Vec::new(),
        }
    }

    /// Ends the running program with exit status `status` (how WASI `proc_exit` unwinds).
    pub fn exit(status: i32) -> Trap {
        Trap {
            exit_code: Some(status),
            ..Trap::new(TrapCode::Exit)
        }
    }

    /// The exit status, if this trap is a requested exit rather than an error.
    pub fn exit_code(&self) -> Option<i32> {
        self.exit_code
    }

    /// `call_indirect` through the null element at `index` (the message names it, as the
    /// reference interpreter's does).
    pub(crate) fn uninitialized_element(index: u32) -> Trap {
        Trap {
            message: Some(alloc::format!("uninitialized element {index}")),
            ..Trap::new(TrapCode::UninitializedElement)
        }
    }

    /// A trap raised by a host function, with its own message.
    pub fn host(message: impl Into<String>) -> Trap {
        Trap {
            message: Some(message.into()),
            ..Trap::new(TrapCode::Host)
        }
    }

    /// The cause.
    pub fn code(&self) -> TrapCode {
        self.code
    }

    /// The message: the spec's text for wasm traps, the host's text for host errors.
    pub fn message(&self) -> &str {
        self.message.as_deref().unwrap_or(self.code.message())
    }

    /// The functions on the call stack when the trap happened, innermost first.
    pub fn backtrace(&self) -> &[Frame] {
        &self.backtrace
    }

    /// Adds the frames of an outer stretch of the call stack (innermost first) below the
    /// ones already recorded.
    pub(crate) fn with_backtrace(mut self, outer: Vec<Frame>) -> Trap {
        self.backtrace.extend(outer);
        self
    }
}

impl From<TrapCode> for Trap {
    fn from(code: TrapCode) -> Trap {
        Trap::new(code)
    }
}

/// [`Trap`]'s `Display` shows at most this many frames of the backtrace.
const SHOWN_FRAMES: usize = 16;

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())?;
        for (depth, frame) in self.backtrace.iter().take(SHOWN_FRAMES).enumerate() {
            write!(f, "\n  #{depth:02} {}", frame.name)?;
        }
        if self.backtrace.len() > SHOWN_FRAMES {
            write!(
                f,
                "\n  ... {} more frames",
                self.backtrace.len() - SHOWN_FRAMES
            )?;
        }
        Ok(())
    }
}

/// Everything that can go wrong while loading, linking or running a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The module is malformed or invalid.
    Load(String),
    /// The module, image or request is valid but needs what this runtime or build does not
    /// support (a wasm proposal, a build without the compiler, another machine's image).
    Unsupported(String),
    /// Instantiation failed while resolving imports.
    Link(String),
    /// Execution trapped (in a call, a start function or segment initialisation).
    Trap(Trap),
    /// A resource limit was hit (memory, stack, table size, ...).
    Resource(String),
    /// The embedding API was used wrongly (e.g. a handle with a store that does not own it).
    Misuse(String),
}

#[cfg(feature = "wasm")]
impl From<wasmparser::BinaryReaderError> for Error {
    fn from(e: wasmparser::BinaryReaderError) -> Error {
        Error::Load(e.message().into())
    }
}

impl From<Trap> for Error {
    fn from(trap: Trap) -> Error {
        Error::Trap(trap)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Load(m) => write!(f, "invalid module: {m}"),
            Error::Unsupported(m) => write!(f, "unsupported: {m}"),
            Error::Link(m) => write!(f, "link error: {m}"),
            Error::Trap(t) => write!(f, "{t}"),
            Error::Resource(m) => write!(f, "resource limit: {m}"),
            Error::Misuse(m) => write!(f, "API misuse: {m}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}
