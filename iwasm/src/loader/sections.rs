//! Decoding of a (validated) module's sections into [`ModuleInfo`].

use alloc::string::ToString;
use alloc::vec::Vec;

use wasmparser::{Operator, Parser, Payload, TypeRef};

use super::{
    ConstExpr, DataSegment, ElementMode, ElementSegment, ExportKind, Import, ImportKind, ModuleInfo,
};
use crate::error::Error;
use crate::values::{FuncType, GlobalType, MemoryType, TableType, ValType};

type Result<T> = core::result::Result<T, Error>;

fn unsupported(what: &str) -> Error {
    Error::Unsupported(what.into())
}

fn val_type(ty: wasmparser::ValType) -> Result<ValType> {
    ValType::from_wasmparser(ty).ok_or_else(|| unsupported("value type"))
}

fn table_type(ty: wasmparser::TableType) -> Result<TableType> {
    Ok(TableType {
        element: val_type(wasmparser::ValType::Ref(ty.element_type))?,
        min: ty.initial as u32,
        max: ty.maximum.map(|m| m as u32),
    })
}

fn memory_type(ty: wasmparser::MemoryType) -> MemoryType {
    MemoryType {
        min: ty.initial as u32,
        max: ty.maximum.map(|m| m as u32),
    }
}

fn global_type(ty: wasmparser::GlobalType) -> Result<GlobalType> {
    Ok(GlobalType {
        content: val_type(ty.content_type)?,
        mutable: ty.mutable,
    })
}

/// Reads a constant expression: one instruction followed by `end`.
fn const_expr(expr: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr> {
    let mut reader = expr.get_operators_reader();
    let value = match reader.read()? {
        Operator::I32Const { value } => ConstExpr::I32(value),
        Operator::I64Const { value } => ConstExpr::I64(value),
        Operator::F32Const { value } => ConstExpr::F32(value.bits()),
        Operator::F64Const { value } => ConstExpr::F64(value.bits()),
        Operator::RefNull { .. } => ConstExpr::RefNull,
        Operator::RefFunc { function_index } => ConstExpr::RefFunc(function_index),
        Operator::GlobalGet { global_index } => ConstExpr::GlobalGet(global_index),
        _ => return Err(unsupported("constant expression")),
    };
    Ok(value)
}

/// Decodes every section of an already validated module.
pub(super) fn decode(bytes: &[u8]) -> Result<ModuleInfo> {
    let mut info = ModuleInfo {
        bytes: bytes.to_vec(),
        ..ModuleInfo::default()
    };
    for payload in Parser::new(0).parse_all(bytes) {
        decode_payload(&mut info, payload?)?;
    }
    Ok(info)
}

fn decode_payload(info: &mut ModuleInfo, payload: Payload<'_>) -> Result<()> {
    match payload {
        Payload::TypeSection(reader) => {
            for ty in reader.into_iter_err_on_gc_types() {
                let ty = ty?;
                let params = ty.params().iter().map(|t| val_type(*t));
                let results = ty.results().iter().map(|t| val_type(*t));
                info.types.push(FuncType::new(
                    params.collect::<Result<Vec<_>>>()?,
                    results.collect::<Result<Vec<_>>>()?,
                ));
            }
        }
        Payload::ImportSection(reader) => {
            for import in reader.into_imports() {
                decode_import(info, import?)?;
            }
        }
        Payload::FunctionSection(reader) => {
            for ty in reader {
                info.funcs.push(ty?);
            }
        }
        Payload::TableSection(reader) => {
            for table in reader {
                info.tables.push(table_type(table?.ty)?);
            }
        }
        Payload::MemorySection(reader) => {
            for memory in reader {
                info.memories.push(memory_type(memory?));
            }
        }
        Payload::GlobalSection(reader) => {
            for global in reader {
                let global = global?;
                info.globals.push(global_type(global.ty)?);
                info.global_inits.push(const_expr(&global.init_expr)?);
            }
        }
        Payload::ExportSection(reader) => {
            for export in reader {
                let export = export?;
                let kind = match export.kind {
                    wasmparser::ExternalKind::Func => ExportKind::Func,
                    wasmparser::ExternalKind::Table => ExportKind::Table,
                    wasmparser::ExternalKind::Memory => ExportKind::Memory,
                    wasmparser::ExternalKind::Global => ExportKind::Global,
                    _ => return Err(unsupported("export kind")),
                };
                info.exports
                    .push((export.name.to_string(), kind, export.index));
            }
        }
        Payload::StartSection { func, .. } => info.start = Some(func),
        Payload::ElementSection(reader) => {
            for element in reader {
                info.elements.push(decode_element(element?)?);
            }
        }
        Payload::DataSection(reader) => {
            for data in reader {
                let data = data?;
                let active = match data.kind {
                    wasmparser::DataKind::Passive => None,
                    wasmparser::DataKind::Active {
                        memory_index,
                        offset_expr,
                    } => Some((memory_index, const_expr(&offset_expr)?)),
                };
                let start = data.range.end as usize - data.data.len();
                info.data.push(DataSegment {
                    active,
                    bytes: start..data.range.end as usize,
                });
            }
        }
        Payload::CodeSectionEntry(body) => {
            let range = body.range();
            info.bodies.push(range.start as usize..range.end as usize);
        }
        Payload::CustomSection(section) => {
            if let wasmparser::KnownCustom::Name(names) = section.as_known() {
                decode_names(info, names);
            }
        }
        _ => {}
    }
    Ok(())
}

fn decode_import(info: &mut ModuleInfo, import: wasmparser::Import<'_>) -> Result<()> {
    let kind = match import.ty {
        TypeRef::Func(ty) => {
            info.funcs.push(ty);
            info.num_imported_funcs += 1;
            ImportKind::Func(ty)
        }
        TypeRef::Table(ty) => {
            let ty = table_type(ty)?;
            info.tables.push(ty);
            info.num_imported_tables += 1;
            ImportKind::Table(ty)
        }
        TypeRef::Memory(ty) => {
            let ty = memory_type(ty);
            info.memories.push(ty);
            info.num_imported_memories += 1;
            ImportKind::Memory(ty)
        }
        TypeRef::Global(ty) => {
            let ty = global_type(ty)?;
            info.globals.push(ty);
            info.num_imported_globals += 1;
            ImportKind::Global(ty)
        }
        _ => return Err(unsupported("import kind")),
    };
    info.imports.push(Import {
        module: import.module.to_string(),
        name: import.name.to_string(),
        kind,
    });
    Ok(())
}

fn decode_element(element: wasmparser::Element<'_>) -> Result<ElementSegment> {
    let mode = match element.kind {
        wasmparser::ElementKind::Passive => ElementMode::Passive,
        wasmparser::ElementKind::Declared => ElementMode::Declared,
        wasmparser::ElementKind::Active {
            table_index,
            offset_expr,
        } => ElementMode::Active {
            table: table_index.unwrap_or(0),
            offset: const_expr(&offset_expr)?,
        },
    };
    let items = match element.items {
        wasmparser::ElementItems::Functions(funcs) => funcs
            .into_iter()
            .map(|f| Ok(ConstExpr::RefFunc(f?)))
            .collect::<Result<Vec<_>>>()?,
        wasmparser::ElementItems::Expressions(_, exprs) => exprs
            .into_iter()
            .map(|e| const_expr(&e?))
            .collect::<Result<Vec<_>>>()?,
    };
    Ok(ElementSegment { mode, items })
}

/// Function names for backtraces. A broken name section is ignored, as the spec requires.
fn decode_names(info: &mut ModuleInfo, names: wasmparser::NameSectionReader<'_>) {
    for subsection in names.into_iter().map_while(|s| s.ok()) {
        if let wasmparser::Name::Function(map) = subsection {
            for naming in map.into_iter().map_while(|n| n.ok()) {
                info.func_names
                    .insert(naming.index, naming.name.to_string());
            }
        }
    }
}
