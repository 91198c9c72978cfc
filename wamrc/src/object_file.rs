//! `--format=object`: an ELF relocatable for the image's target whose read-only data is the
//! image, with global symbols `<name>_aot` (its first byte) and `<name>_aot_len` (its length
//! as a 64-bit little-endian value), so firmware can link an image in and load it from memory.

use iwasm::Arch;
use object::write::{Object, StandardSection, Symbol, SymbolSection};
use object::{Architecture, BinaryFormat, Endianness, SymbolFlags, SymbolKind, SymbolScope};

/// The object file bytes for `image` (for `target`), its symbols named after `name`.
pub fn write(image: &[u8], target: Arch, name: &str) -> Result<Vec<u8>, String> {
    let architecture = match target {
        Arch::X86_64 => Architecture::X86_64,
        Arch::Aarch64 => Architecture::Aarch64,
    };
    let mut file = Object::new(BinaryFormat::Elf, architecture, Endianness::Little);
    let section = file.section_id(StandardSection::ReadOnlyData);
    let data = file.append_section_data(section, image, 16);
    let length = file.append_section_data(section, &(image.len() as u64).to_le_bytes(), 8);
    for (symbol, offset, size) in [
        (format!("{name}_aot"), data, image.len() as u64),
        (format!("{name}_aot_len"), length, 8),
    ] {
        file.add_symbol(Symbol {
            name: symbol.into_bytes(),
            value: offset,
            size,
            kind: SymbolKind::Data,
            scope: SymbolScope::Dynamic,
            weak: false,
            section: SymbolSection::Section(section),
            flags: SymbolFlags::None,
        });
    }
    file.write()
        .map_err(|e| format!("cannot write the object file: {e}"))
}

/// A C identifier from a file name: letters, digits and `_`, not starting with a digit.
pub fn symbol_name(stem: &str) -> String {
    let mut name: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use object::{Object as _, ObjectSection as _, ObjectSymbol as _};

    #[test]
    fn the_object_holds_the_image_under_its_symbols() {
        let image = b"\0aot\x01\0\0\0payload".to_vec();
        let bytes = write(&image, Arch::X86_64, "app").unwrap();
        let file = object::File::parse(&*bytes).unwrap();
        assert_eq!(file.architecture(), Architecture::X86_64);
        let bytes = write(&image, Arch::Aarch64, "app").unwrap();
        let aarch64 = object::File::parse(&*bytes).unwrap().architecture();
        assert_eq!(aarch64, Architecture::Aarch64);
        let symbol = file.symbols().find(|s| s.name() == Ok("app_aot")).unwrap();
        let section = file
            .section_by_index(symbol.section_index().unwrap())
            .unwrap();
        let data = section.data().unwrap();
        let start = (symbol.address() - section.address()) as usize;
        assert_eq!(&data[start..start + image.len()], &image[..]);
        assert!(file.symbols().any(|s| s.name() == Ok("app_aot_len")));
    }

    #[test]
    fn symbol_names_are_c_identifiers() {
        assert_eq!(symbol_name("my-app.v2"), "my_app_v2");
        assert_eq!(symbol_name("2d"), "_2d");
    }
}
