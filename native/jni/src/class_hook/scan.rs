//! What the first look reads of a class file: in one pass over its constant pool, the class's own
//! name and whether a UTF-8 constant is one of a set of texts; then, on demand, whether a method
//! it declares has one of a set of names. The Java side's `ClassFileScan` reads the same facts for
//! the classes this lets through; both follow the JVM specification (§4.1, §4.4).
//!
//! Nothing is trusted: a constant pool or member table that runs past the bytes, an unknown
//! constant tag or an index to the wrong kind of constant is [`Malformed`], which the filter takes
//! as "undecided" (the class goes on to the Java side, which reads it with its own scan and ASM).

/// A class file this scan could not read (the first look lets such a class through).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed;

/// Texts (modified UTF-8, as a class file's constant pool holds them) indexed by byte length:
/// one comparison per text of the constant's own length.
#[derive(Debug, Default, Clone)]
pub struct Texts {
    by_length: Vec<Vec<Box<[u8]>>>,
}

impl Texts {
    pub fn push(&mut self, text: &[u8]) {
        if self.by_length.len() <= text.len() {
            self.by_length.resize(text.len() + 1, Vec::new());
        }
        let same = &mut self.by_length[text.len()];
        if !same.iter().any(|t| &t[..] == text) {
            same.push(text.into());
        }
    }

    pub fn contains(&self, text: &[u8]) -> bool {
        self.by_length
            .get(text.len())
            .is_some_and(|same| same.iter().any(|t| &t[..] == text))
    }

    pub fn is_empty(&self) -> bool {
        self.by_length.iter().all(Vec::is_empty)
    }
}

const UTF8: u8 = 1;
const CLASS: u8 = 7;

/// One class file, its constant pool walked.
pub struct ClassFileScan<'a> {
    bytes: &'a [u8],
    /// The offset of each constant's tag by index (0 for index 0 and a long's or double's second slot).
    offsets: Vec<u32>,
    /// The offset of the access flags, just past the constant pool.
    header: usize,
    key_constant: bool,
}

impl<'a> ClassFileScan<'a> {
    /// Walks the constant pool, looking for a UTF-8 constant among `constants`.
    pub fn new(bytes: &'a [u8], constants: &Texts) -> Result<Self, Malformed> {
        let count = usize::from(u2(bytes, 8)?);
        let mut offsets = vec![0u32; count];
        let mut found = false;
        let mut at = 10usize;
        let mut i = 1;
        while i < count {
            offsets[i] = u32::try_from(at).map_err(|_| Malformed)?;
            let tag = *bytes.get(at).ok_or(Malformed)?;
            at += match tag {
                UTF8 => {
                    let length = usize::from(u2(bytes, at + 1)?);
                    if !found {
                        let text = bytes.get(at + 3..at + 3 + length).ok_or(Malformed)?;
                        found = constants.contains(text);
                    }
                    3 + length
                }
                // Class, String, MethodType, Module, Package: one index
                CLASS | 8 | 16 | 19 | 20 => 3,
                15 => 4, // MethodHandle
                // Integer, Float, the member refs, NameAndType, Dynamic, InvokeDynamic
                3 | 4 | 9 | 10 | 11 | 12 | 17 | 18 => 5,
                5 | 6 => {
                    i += 1; // a long or double takes two slots
                    9
                }
                _ => return Err(Malformed),
            };
            i += 1;
        }
        if at + 8 > bytes.len() {
            return Err(Malformed); // the class file ends in its constant pool
        }
        Ok(ClassFileScan {
            bytes,
            offsets,
            header: at,
            key_constant: found,
        })
    }

    /// Whether a UTF-8 constant of a loaded class's constant pool (`count` and the entries, as JVM
    /// TI's `GetConstantPool` gives them) is one of `constants`: the same walk as for a class file,
    /// over a class file's head made around the pool.
    pub fn pool_has_constant(
        count: u16,
        pool: &[u8],
        constants: &Texts,
    ) -> Result<bool, Malformed> {
        let mut framed = Vec::with_capacity(10 + pool.len() + 8);
        framed.extend_from_slice(&[0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 0]);
        framed.extend_from_slice(&count.to_be_bytes());
        framed.extend_from_slice(pool);
        framed.extend_from_slice(&[0; 8]); // access flags, this, super, interfaces: never read
        let scan = ClassFileScan::new(&framed, constants)?;
        if scan.header != 10 + pool.len() {
            return Err(Malformed); // the entries and the count disagree
        }
        Ok(scan.key_constant)
    }

    /// The class's internal name (`a/b/C`), as modified UTF-8.
    pub fn class_name(&self) -> Result<&'a [u8], Malformed> {
        self.class_at(u2(self.bytes, self.header + 2)?)
    }

    /// The name of the CONSTANT_Class at `index`.
    fn class_at(&self, index: u16) -> Result<&'a [u8], Malformed> {
        let at = self.tag_at(index, CLASS)?;
        self.utf8(u2(self.bytes, at + 1)?)
    }

    /// The internal name of the class's superclass; None for a class without one
    /// (`java/lang/Object`, `module-info`).
    pub fn super_name(&self) -> Result<Option<&'a [u8]>, Malformed> {
        match u2(self.bytes, self.header + 4)? {
            0 => Ok(None),
            index => self.class_at(index).map(Some),
        }
    }

    /// The internal names of the interfaces the class declares, in their order.
    pub fn interfaces(&self) -> Result<Vec<&'a [u8]>, Malformed> {
        let at = self.header + 6;
        (0..usize::from(u2(self.bytes, at)?))
            .map(|i| self.class_at(u2(self.bytes, at + 2 + 2 * i)?))
            .collect()
    }

    /// Whether a UTF-8 constant is one of the texts [`ClassFileScan::new`] looked for.
    pub fn has_key_constant(&self) -> bool {
        self.key_constant
    }

    /// Whether the class declares a method (or constructor) whose name is one of `names`.
    pub fn declares_method_of(&self, names: &Texts) -> Result<bool, Malformed> {
        let b = self.bytes;
        let mut at = self.header + 6;
        at += 2 + 2 * usize::from(u2(b, at)?); // interfaces
        at = self.skip_members(at)?; // fields
        let methods = u2(b, at)?;
        at += 2;
        for _ in 0..methods {
            if names.contains(self.utf8(u2(b, at + 2)?)?) {
                return Ok(true);
            }
            at = self.skip_attributes(at + 6)?;
        }
        Ok(false)
    }

    fn skip_members(&self, mut at: usize) -> Result<usize, Malformed> {
        let count = u2(self.bytes, at)?;
        at += 2;
        for _ in 0..count {
            at = self.skip_attributes(at + 6)?; // access, name, descriptor
        }
        Ok(at)
    }

    fn skip_attributes(&self, mut at: usize) -> Result<usize, Malformed> {
        let count = u2(self.bytes, at)?;
        at += 2;
        for _ in 0..count {
            let length = self.bytes.get(at + 2..at + 6).ok_or(Malformed)?;
            let length = u32::from_be_bytes([length[0], length[1], length[2], length[3]]);
            at = (at + 6)
                .checked_add(usize::try_from(length).map_err(|_| Malformed)?)
                .filter(|&end| end <= self.bytes.len())
                .ok_or(Malformed)?;
        }
        Ok(at)
    }

    /// The offset of the constant at `index`, which must have this tag.
    fn tag_at(&self, index: u16, tag: u8) -> Result<usize, Malformed> {
        let at = *self.offsets.get(usize::from(index)).ok_or(Malformed)? as usize;
        if at == 0 || self.bytes.get(at) != Some(&tag) {
            return Err(Malformed);
        }
        Ok(at)
    }

    /// The text of the CONSTANT_Utf8 at `index`.
    fn utf8(&self, index: u16) -> Result<&'a [u8], Malformed> {
        let at = self.tag_at(index, UTF8)?;
        let length = usize::from(u2(self.bytes, at + 1)?);
        self.bytes.get(at + 3..at + 3 + length).ok_or(Malformed)
    }
}

fn u2(bytes: &[u8], at: usize) -> Result<u16, Malformed> {
    match bytes.get(at..at + 2) {
        Some(b) => Ok(u16::from_be_bytes([b[0], b[1]])),
        None => Err(Malformed),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A class file as javac would lay one out (only what the scan reads is real): constants
    /// (a long among them), this, super `java/lang/Object`, no interfaces, the given fields
    /// without attributes and methods with one 5-byte `Code` attribute each.
    pub(crate) fn class_file(
        name: &str,
        utf8: &[&str],
        fields: &[&str],
        methods: &[&str],
    ) -> Vec<u8> {
        class_file_extending(name, Some("java/lang/Object"), &[], utf8, fields, methods)
    }

    /// As [`class_file`], with this superclass (None: none) and these interfaces.
    pub(crate) fn class_file_extending(
        name: &str,
        superclass: Option<&str>,
        interfaces: &[&str],
        utf8: &[&str],
        fields: &[&str],
        methods: &[&str],
    ) -> Vec<u8> {
        let mut pool: Vec<Vec<u8>> = Vec::new();
        let utf = |pool: &mut Vec<Vec<u8>>, text: &str| -> u16 {
            let mut e = vec![UTF8];
            e.extend_from_slice(&(text.len() as u16).to_be_bytes());
            e.extend_from_slice(text.as_bytes());
            pool.push(e);
            pool.len() as u16
        };
        let class = |pool: &mut Vec<Vec<u8>>, name: &str| -> u16 {
            let text = utf(pool, name);
            pool.push(vec![CLASS, (text >> 8) as u8, text as u8]);
            pool.len() as u16
        };
        let this = class(&mut pool, name);
        pool.push(vec![5, 0, 0, 0, 0, 0, 0, 0, 1]); // a long: two slots
        pool.push(Vec::new());
        let superclass = superclass.map_or(0, |s| class(&mut pool, s));
        let interfaces: Vec<u16> = interfaces.iter().map(|i| class(&mut pool, i)).collect();
        for text in utf8 {
            utf(&mut pool, text);
        }
        let descriptor = utf(&mut pool, "()V");
        let code = utf(&mut pool, "Code");
        let member_names: Vec<u16> = fields
            .iter()
            .chain(methods)
            .map(|n| utf(&mut pool, n))
            .collect();
        let mut b = vec![0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 52];
        b.extend_from_slice(&(pool.len() as u16 + 1).to_be_bytes());
        for e in &pool {
            b.extend_from_slice(e);
        }
        b.extend_from_slice(&[0, 0x21]);
        b.extend_from_slice(&this.to_be_bytes());
        b.extend_from_slice(&superclass.to_be_bytes());
        b.extend_from_slice(&(interfaces.len() as u16).to_be_bytes());
        for i in &interfaces {
            b.extend_from_slice(&i.to_be_bytes());
        }
        let (field_names, method_names) = member_names.split_at(fields.len());
        for (names, with_code) in [(field_names, false), (method_names, true)] {
            b.extend_from_slice(&(names.len() as u16).to_be_bytes());
            for n in names {
                b.extend_from_slice(&[0, 1]);
                b.extend_from_slice(&n.to_be_bytes());
                b.extend_from_slice(&descriptor.to_be_bytes());
                if with_code {
                    b.extend_from_slice(&[0, 1]);
                    b.extend_from_slice(&code.to_be_bytes());
                    b.extend_from_slice(&[0, 0, 0, 5, 1, 2, 3, 4, 5]);
                } else {
                    b.extend_from_slice(&[0, 0]);
                }
            }
        }
        b.extend_from_slice(&[0, 0]); // class attributes
        b
    }

    fn texts(items: &[&str]) -> Texts {
        let mut t = Texts::default();
        for i in items {
            t.push(i.as_bytes());
        }
        t
    }

    #[test]
    fn reads_the_name_the_key_constants_and_the_declared_methods() {
        let file = class_file(
            "com/acme/Dao",
            &["java/sql/Statement", "hello"],
            &["count"],
            &["<init>", "executeQuery", "run"],
        );
        let keys = texts(&["java/sql/Statement"]);
        let scan = ClassFileScan::new(&file, &keys).unwrap();
        assert_eq!(scan.class_name().unwrap(), b"com/acme/Dao");
        assert!(scan.has_key_constant());
        assert!(scan.declares_method_of(&texts(&["executeQuery"])).unwrap());
        assert!(scan.declares_method_of(&texts(&["run", "zzz"])).unwrap());
        assert!(
            !scan
                .declares_method_of(&texts(&["execute", "count"]))
                .unwrap(),
            "a field is no method"
        );
        let other = ClassFileScan::new(&file, &texts(&["java/sql/Connection"])).unwrap();
        assert!(!other.has_key_constant());
    }

    #[test]
    fn reads_the_super_types_a_class_names() {
        let file = class_file_extending(
            "com/acme/PooledStatement",
            Some("com/acme/Base"),
            &["java/sql/Statement", "java/lang/AutoCloseable"],
            &[],
            &[],
            &["executeQuery"],
        );
        let scan = ClassFileScan::new(&file, &Texts::default()).unwrap();
        assert_eq!(scan.super_name().unwrap(), Some(&b"com/acme/Base"[..]));
        assert_eq!(
            scan.interfaces().unwrap(),
            [&b"java/sql/Statement"[..], b"java/lang/AutoCloseable"]
        );
        let object = class_file_extending("java/lang/Object", None, &[], &[], &[], &[]);
        let scan = ClassFileScan::new(&object, &Texts::default()).unwrap();
        assert_eq!(scan.super_name().unwrap(), None);
        assert!(scan.interfaces().unwrap().is_empty());
        // an interface index that points at a UTF-8 constant, an interface count past the end
        let mut file = class_file_extending("a/B", Some("a/C"), &["a/I"], &[], &[], &[]);
        let header = ClassFileScan::new(&file, &Texts::default()).unwrap().header;
        file[header + 9] = 1;
        let scan = ClassFileScan::new(&file, &Texts::default()).unwrap();
        assert_eq!(scan.interfaces(), Err(Malformed));
        file[header + 7] = 0xFF;
        let scan = ClassFileScan::new(&file, &Texts::default()).unwrap();
        assert_eq!(scan.interfaces(), Err(Malformed));
    }

    #[test]
    fn a_loaded_class_pool_answers_as_its_class_file() {
        let file = class_file("com/acme/Dao", &["java/sql/Statement"], &[], &["run"]);
        let header = ClassFileScan::new(&file, &Texts::default()).unwrap().header;
        let count = u16::from_be_bytes([file[8], file[9]]);
        let pool = &file[10..header];
        for keys in [&["java/sql/Statement"][..], &["java/sql/Connection"], &[]] {
            let keys = texts(keys);
            assert_eq!(
                ClassFileScan::pool_has_constant(count, pool, &keys),
                Ok(ClassFileScan::new(&file, &keys).unwrap().has_key_constant())
            );
        }
        let keys = texts(&["java/sql/Statement"]);
        // A count that disagrees with the entries, a cut entry: unknown, never "no".
        assert_eq!(
            ClassFileScan::pool_has_constant(count + 1, pool, &keys),
            Err(Malformed)
        );
        assert_eq!(
            ClassFileScan::pool_has_constant(count - 1, pool, &keys),
            Err(Malformed)
        );
        assert_eq!(
            ClassFileScan::pool_has_constant(count, &pool[..pool.len() - 1], &keys),
            Err(Malformed)
        );
        assert_eq!(ClassFileScan::pool_has_constant(1, &[], &keys), Ok(false));
    }

    #[test]
    fn a_class_file_cut_anywhere_is_malformed_never_misread() {
        let file = class_file(
            "a/B",
            &["java/sql/Statement"],
            &["f"],
            &["execute", "close"],
        );
        let keys = texts(&["java/sql/Statement"]);
        let names = texts(&["close"]);
        for end in 0..file.len() {
            let cut = &file[..end];
            let result = ClassFileScan::new(cut, &keys)
                .and_then(|s| Ok((s.class_name()?.to_vec(), s.declares_method_of(&names)?)));
            // a cut file either fails, or (cut only in the trailing class attributes count) reads as the whole
            if let Ok((name, declares)) = result {
                assert_eq!(name, b"a/B");
                assert!(declares, "cut at {end}");
            }
        }
        assert!(ClassFileScan::new(&file, &keys)
            .unwrap()
            .declares_method_of(&names)
            .unwrap());
    }

    #[test]
    fn an_unknown_tag_or_a_wrong_index_is_malformed() {
        let mut file = class_file("a/B", &[], &[], &["m"]);
        file[10] = 99; // the first constant's tag
        assert_eq!(
            ClassFileScan::new(&file, &Texts::default()).err(),
            Some(Malformed)
        );
        let mut file = class_file("a/B", &[], &[], &["m"]);
        let header = ClassFileScan::new(&file, &Texts::default()).unwrap().header;
        file[header + 3] = 1; // this_class pointing at a UTF-8 constant
        let scan = ClassFileScan::new(&file, &Texts::default()).unwrap();
        assert_eq!(scan.class_name(), Err(Malformed));
        file[header + 2] = 0xFF; // past the pool
        let scan = ClassFileScan::new(&file, &Texts::default()).unwrap();
        assert_eq!(scan.class_name(), Err(Malformed));
    }
}
