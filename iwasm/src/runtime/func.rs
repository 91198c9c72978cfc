//! Functions: host functions (dynamically typed or wrapped typed closures) and calls into wasm.

use alloc::rc::Rc;
use alloc::vec::Vec;

use super::{Func, Memory, Store};
use crate::error::{Error, Trap};
use crate::values::{FuncType, ValType, Value};

/// The signature every host function is called through.
pub type HostFunc = dyn Fn(&mut Caller<'_>, &[Value], &mut [Value]) -> Result<(), Trap>;

/// What a host function sees of its caller: the store, and the calling instance's memory.
pub struct Caller<'a> {
    pub(crate) store: &'a mut Store,
    pub(crate) memory: Option<Memory>,
}

impl Caller<'_> {
    /// The calling instance's linear memory, if it has one.
    pub fn memory(&self) -> Option<Memory> {
        self.memory
    }

    /// The store, e.g. to read memory or call back into wasm.
    pub fn store(&mut self) -> &mut Store {
        self.store
    }
}

impl Func {
    /// A host function with a dynamic signature: `f` receives the arguments and fills in the
    /// results (pre-set to zero values of the result types).
    pub fn new(
        store: &mut Store,
        ty: FuncType,
        f: impl Fn(&mut Caller<'_>, &[Value], &mut [Value]) -> Result<(), Trap> + 'static,
    ) -> Func {
        store.push_host_func(&ty, Rc::new(f))
    }

    /// A host function from a typed closure, e.g. `Func::wrap(&mut store, |a: i32, b: i32| a + b)`.
    /// Parameters may be `i32`, `i64`, `f32`, `f64` (up to eight; a first `&mut Caller` parameter
    /// is allowed); the result `()`, one such value, a tuple of them, or a `Result` of those with
    /// [`Trap`] as error.
    pub fn wrap<P, R>(store: &mut Store, f: impl IntoFunc<P, R>) -> Func {
        let (ty, host) = f.into_func();
        store.push_host_func(&ty, host)
    }

    /// The function's signature.
    pub fn ty(&self, store: &Store) -> FuncType {
        store.types[store.func(*self).func_ref.type_id as usize].clone()
    }

    /// Calls the function with `args` (checked against its signature) and returns its results.
    pub fn call(&self, store: &mut Store, args: &[Value]) -> Result<Vec<Value>, Error> {
        store.check_owner(self.0)?;
        let ty = self.ty(store);
        let arg_types = args.iter().map(Value::ty);
        if args.len() != ty.params().len() || !arg_types.eq(ty.params().iter().copied()) {
            return Err(Error::Link(alloc::format!(
                "function expects arguments {:?}, got {:?}",
                ty.params(),
                args.iter().map(Value::ty).collect::<Vec<_>>()
            )));
        }
        let cells = args
            .iter()
            .map(|arg| store.value_to_cell(*arg))
            .collect::<Result<Vec<u64>, Error>>()?;
        store.call_func(self.0.index, cells).map_err(Error::Trap)
    }
}

/// A Rust type that maps to a wasm value type.
pub trait WasmType: Sized + 'static {
    /// The wasm type.
    const TYPE: ValType;
    /// Converts from a value known to have type [`Self::TYPE`].
    fn from_value(v: Value) -> Self;
    /// Converts into a wasm value.
    fn into_value(self) -> Value;
}

macro_rules! wasm_type {
    ($t:ty, $vt:ident, $from:expr, $into:expr) => {
        impl WasmType for $t {
            const TYPE: ValType = ValType::$vt;
            fn from_value(v: Value) -> Self {
                match v {
                    Value::$vt(x) => ($from)(x),
                    _ => unreachable!("host function argument type checked by the validator"),
                }
            }
            fn into_value(self) -> Value {
                Value::$vt(($into)(self))
            }
        }
    };
}
wasm_type!(i32, I32, |x| x, |x| x);
wasm_type!(i64, I64, |x| x, |x| x);
wasm_type!(f32, F32, f32::from_bits, f32::to_bits);
wasm_type!(f64, F64, f64::from_bits, f64::to_bits);

/// The results of a typed host function.
pub trait WasmResults: 'static {
    /// The result types.
    fn types() -> Vec<ValType>;
    /// Writes the results, or returns the trap.
    fn write(self, out: &mut [Value]) -> Result<(), Trap>;
}

impl<T: WasmResults> WasmResults for Result<T, Trap> {
    fn types() -> Vec<ValType> {
        T::types()
    }
    fn write(self, out: &mut [Value]) -> Result<(), Trap> {
        self?.write(out)
    }
}

macro_rules! wasm_results_tuple {
    ($($r:ident),*) => {
        impl<$($r: WasmType),*> WasmResults for ($($r,)*) {
            fn types() -> Vec<ValType> {
                alloc::vec![$($r::TYPE),*]
            }
            #[allow(non_snake_case, unused_variables, unused_mut)]
            fn write(self, out: &mut [Value]) -> Result<(), Trap> {
                let ($($r,)*) = self;
                let mut slots = out.iter_mut();
                $(*slots.next().expect("result count") = $r.into_value();)*
                Ok(())
            }
        }
    };
}
wasm_results_tuple!();
wasm_results_tuple!(R1, R2);
wasm_results_tuple!(R1, R2, R3);
wasm_results_tuple!(R1, R2, R3, R4);

macro_rules! wasm_results_single {
    ($($t:ty),*) => {$(
        impl WasmResults for $t {
            fn types() -> Vec<ValType> {
                alloc::vec![<$t as WasmType>::TYPE]
            }
            fn write(self, out: &mut [Value]) -> Result<(), Trap> {
                out[0] = self.into_value();
                Ok(())
            }
        }
    )*};
}
wasm_results_single!(i32, i64, f32, f64);

/// A Rust closure usable as a host function; see [`Func::wrap`].
pub trait IntoFunc<Params, Results> {
    /// The signature and the dynamically typed adapter.
    fn into_func(self) -> (FuncType, Rc<HostFunc>);
}

/// Marks closures whose first parameter is `&mut Caller`.
pub struct WithCaller<P>(core::marker::PhantomData<P>);

macro_rules! into_func {
    ($($p:ident),*) => {
        impl<F, $($p: WasmType,)* R: WasmResults> IntoFunc<($($p,)*), R> for F
        where
            F: Fn($($p),*) -> R + 'static,
        {
            #[allow(non_snake_case, unused_variables, unused_mut)]
            fn into_func(self) -> (FuncType, Rc<HostFunc>) {
                let ty = FuncType::new([$($p::TYPE),*], R::types());
                let host = move |_: &mut Caller<'_>, args: &[Value], out: &mut [Value]| {
                    let mut args = args.iter();
                    $(let $p = $p::from_value(*args.next().expect("argument count"));)*
                    (self)($($p),*).write(out)
                };
                (ty, Rc::new(host))
            }
        }

        impl<F, $($p: WasmType,)* R: WasmResults> IntoFunc<WithCaller<($($p,)*)>, R> for F
        where
            F: Fn(&mut Caller<'_>, $($p),*) -> R + 'static,
        {
            #[allow(non_snake_case, unused_variables, unused_mut)]
            fn into_func(self) -> (FuncType, Rc<HostFunc>) {
                let ty = FuncType::new([$($p::TYPE),*], R::types());
                let host = move |caller: &mut Caller<'_>, args: &[Value], out: &mut [Value]| {
                    let mut args = args.iter();
                    $(let $p = $p::from_value(*args.next().expect("argument count"));)*
                    (self)(caller, $($p),*).write(out)
                };
                (ty, Rc::new(host))
            }
        }
    };
}
into_func!();
into_func!(A1);
into_func!(A1, A2);
into_func!(A1, A2, A3);
into_func!(A1, A2, A3, A4);
into_func!(A1, A2, A3, A4, A5);
into_func!(A1, A2, A3, A4, A5, A6);
into_func!(A1, A2, A3, A4, A5, A6, A7);
into_func!(A1, A2, A3, A4, A5, A6, A7, A8);
