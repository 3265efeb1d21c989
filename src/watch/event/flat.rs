//! The flat JSON form of a record, both ways, without buffering.
//!
//! A log line is one flat object: `{"schema":…,"ts":…,"iface":…,"kind":"deauth",
//! "bssid":…,"reason":…}`. [`Kind`] itself derives serde's default
//! (externally tagged) form, `{"deauth":{…}}`; this module moves its tag into
//! the enclosing object and its fields up beside `ts`, in both directions:
//!
//! - writing: [`FlatKind`] is a serializer that turns the enum's variant into
//!   a `"kind"` entry and its fields into entries of the open map;
//! - reading: [`FlatVisitor`] walks the object once. Keys before `kind` fill
//!   the envelope (other keys before it are held as values: a JSON value's
//!   keys are sorted, and other writers may put `kind` anywhere); at `kind`
//!   it hands the held fields and then the *rest of the same map* to the
//!   variant's derived visitor through [`Fields`], which also catches `ts`,
//!   `iface` and `schema` wherever they appear and counts keys the variant
//!   does not know (skipped, never fatal).
//!
//! In wifidiag's own lines `kind` comes right after the envelope, so nothing
//! is buffered into an intermediate value (serde's internally tagged enums
//! buffer every field first), which is what makes `report` over a
//! million-line log fast.

use super::{Kind, Millis};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::ser::{self, Impossible, SerializeMap, SerializeStructVariant};
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

/// Serializes a [`Kind`] into an open map as `"kind": name, field: value…`.
pub(super) struct FlatKind<'a, M>(pub &'a mut M);

fn only_variants<E: ser::Error>() -> E {
    E::custom("a record kind serializes only as a unit or struct variant")
}

macro_rules! refuse {
    ($($name:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $name(self, $(_: $arg),*) -> Result<(), M::Error> { Err(only_variants()) })*
    };
}

impl<'a, M: SerializeMap> ser::Serializer for FlatKind<'a, M> {
    type Ok = ();
    type Error = M::Error;
    type SerializeSeq = Impossible<(), M::Error>;
    type SerializeTuple = Impossible<(), M::Error>;
    type SerializeTupleStruct = Impossible<(), M::Error>;
    type SerializeTupleVariant = Impossible<(), M::Error>;
    type SerializeMap = Impossible<(), M::Error>;
    type SerializeStruct = Impossible<(), M::Error>;
    type SerializeStructVariant = Self;

    refuse!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
    );

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        name: &'static str,
    ) -> Result<(), M::Error> {
        self.0.serialize_entry("kind", name)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        name: &'static str,
        _: usize,
    ) -> Result<Self, M::Error> {
        self.0.serialize_entry("kind", name)?;
        Ok(self)
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<(), M::Error> {
        Err(only_variants())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<(), M::Error> {
        Err(only_variants())
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), M::Error> {
        Err(only_variants())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, M::Error> {
        Err(only_variants())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, M::Error> {
        Err(only_variants())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, M::Error> {
        Err(only_variants())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, M::Error> {
        Err(only_variants())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, M::Error> {
        Err(only_variants())
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, M::Error> {
        Err(only_variants())
    }
}

impl<M: SerializeMap> SerializeStructVariant for FlatKind<'_, M> {
    type Ok = ();
    type Error = M::Error;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        self.0.serialize_entry(key, value)
    }

    fn end(self) -> Result<(), M::Error> {
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------
// ---------------------------------------------------------------------------

/// What one flat object held.
#[derive(Debug, Default)]
pub(super) struct Flat<'de> {
    pub schema: Option<Cow<'de, str>>,
    pub ts: Option<Millis>,
    pub iface: Option<String>,
    /// `Some(Ok)` a known kind; `Some(Err(name))` a kind this version does
    /// not know (its fields were skipped); `None` no `kind` key at all.
    pub kind: Option<Result<Kind, String>>,
    /// Keys that neither the envelope nor the kind knows.
    pub unknown_fields: u32,
    /// Fields that came before `kind` (a JSON value's keys are sorted, and
    /// other writers may put `kind` anywhere): held until the kind is known.
    early: Vec<(String, serde_json::Value)>,
}

/// Reads one flat object into a [`Flat`].
pub(super) struct FlatVisitor;

impl<'de> Visitor<'de> for FlatVisitor {
    type Value = Flat<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a wifidiag event object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Flat<'de>, A::Error> {
        let mut flat = Flat::default();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == "kind" {
                let name: Cow<'de, str> = map.next_value()?;
                let access = KindAccess {
                    name: &name,
                    map: &mut map,
                    flat: &mut flat,
                    known: true,
                };
                let kind = access.read()?;
                flat.kind = Some(kind.ok_or_else(|| name.into_owned()));
                // The kind took the early fields it knows; the rest of the
                // map was consumed by its visitor.
                flat.unknown_fields += flat.early.len() as u32;
                flat.early.clear();
                return Ok(flat);
            }
            match &*key {
                "schema" | "ts" | "iface" => envelope_field(&key, &mut map, &mut flat)?,
                _ => {
                    let value: serde_json::Value = map.next_value()?;
                    flat.early.push((key.into_owned(), value));
                }
            }
        }
        // No kind at all: whatever else came is unknown.
        flat.unknown_fields += flat.early.len() as u32;
        flat.early.clear();
        Ok(flat)
    }
}

/// A key outside the kind's own fields: the envelope, or unknown.
fn envelope_field<'de, A: MapAccess<'de>>(
    key: &str,
    map: &mut A,
    flat: &mut Flat<'de>,
) -> Result<(), A::Error> {
    match key {
        "schema" => flat.schema = Some(map.next_value()?),
        "ts" => flat.ts = Some(map.next_value()?),
        "iface" => flat.iface = map.next_value()?,
        _ => {
            map.next_value::<IgnoredAny>()?;
            flat.unknown_fields += 1;
        }
    }
    Ok(())
}

/// Presents `name` and the rest of the map to [`Kind`]'s derived
/// (externally tagged) deserializer as if they were `{name: {rest}}`.
struct KindAccess<'a, 'de, A> {
    name: &'a str,
    map: &'a mut A,
    flat: &'a mut Flat<'de>,
    /// Set to false when `name` is not one of `Kind`'s variants.
    known: bool,
}

impl<'de, A: MapAccess<'de>> KindAccess<'_, 'de, A> {
    /// `Ok(None)` when the kind is unknown to this version (rest skipped).
    fn read(mut self) -> Result<Option<Kind>, A::Error> {
        use serde::Deserialize;
        let result = Kind::deserialize(&mut self);
        if self.known {
            return result.map(Some);
        }
        // Skip the unknown kind's fields, still picking up the envelope.
        while let Some(key) = self.map.next_key::<Cow<'de, str>>()? {
            if matches!(&*key, "schema" | "ts" | "iface") {
                envelope_field(&key, self.map, self.flat)?;
            } else {
                self.map.next_value::<IgnoredAny>()?;
            }
        }
        self.flat.early.clear();
        Ok(None)
    }
}

impl<'de, A: MapAccess<'de>> de::Deserializer<'de> for &mut KindAccess<'_, 'de, A> {
    type Error = A::Error;

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        visitor.visit_enum(self)
    }

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, A::Error> {
        Err(de::Error::custom("a record kind is read only as an enum"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>> de::EnumAccess<'de> for &mut KindAccess<'_, 'de, A> {
    type Error = A::Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), A::Error> {
        // The derived identifier fails only on a name that is not one of
        // the variants: a kind this version does not know.
        let name = de::value::StrDeserializer::<A::Error>::new(self.name);
        match seed.deserialize(name) {
            Ok(variant) => Ok((variant, self)),
            Err(e) => {
                self.known = false;
                Err(e)
            }
        }
    }
}

impl<'de, A: MapAccess<'de>> de::VariantAccess<'de> for &mut KindAccess<'_, 'de, A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        // No fields of its own: whatever follows is envelope or unknown
        // (the early fields are counted as unknown by the caller).
        while let Some(key) = self.map.next_key::<Cow<'de, str>>()? {
            envelope_field(&key, self.map, self.flat)?;
        }
        Ok(())
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        // The early fields this kind knows go first; what stays in `early`
        // is unknown to it.
        let (known, unknown): (Vec<_>, Vec<_>) = std::mem::take(&mut self.flat.early)
            .into_iter()
            .partition(|(k, _)| fields.contains(&k.as_str()));
        self.flat.early = unknown;
        visitor.visit_map(Fields {
            fields,
            early: known.into_iter(),
            pending: None,
            map: &mut *self.map,
            flat: &mut *self.flat,
        })
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _: T) -> Result<T::Value, A::Error> {
        Err(de::Error::custom("a record kind has named fields"))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, A::Error> {
        Err(de::Error::custom("a record kind has named fields"))
    }
}

/// The kind's own fields: those that came before `kind`, then the rest of
/// the map, where envelope keys are taken out on the way and unknown keys
/// skipped and counted.
struct Fields<'a, 'de, A> {
    fields: &'static [&'static str],
    early: std::vec::IntoIter<(String, serde_json::Value)>,
    /// The value of the early field whose key was just handed out.
    pending: Option<serde_json::Value>,
    map: &'a mut A,
    flat: &'a mut Flat<'de>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Fields<'_, 'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        if let Some((key, value)) = self.early.next() {
            self.pending = Some(value);
            return seed
                .deserialize(de::value::StringDeserializer::new(key))
                .map(Some);
        }
        while let Some(key) = self.map.next_key::<Cow<'de, str>>()? {
            if self.fields.contains(&&*key) {
                return match key {
                    Cow::Borrowed(k) => {
                        seed.deserialize(de::value::BorrowedStrDeserializer::new(k))
                    }
                    Cow::Owned(k) => seed.deserialize(de::value::StringDeserializer::new(k)),
                }
                .map(Some);
            }
            envelope_field(&key, self.map, self.flat)?;
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.pending.take() {
            Some(value) => seed.deserialize(value).map_err(de::Error::custom),
            None => self.map.next_value_seed(seed),
        }
    }
}
