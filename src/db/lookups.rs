//! Lookups by many keys on SQLite in statements of one fixed shape, so that each is
//! prepared once (see [`one_of`]).

/// Keys looked up per statement on SQLite by [`one_of`].
pub(crate) const LOOKUP_CHUNK: usize = 8;

/// A chunk of at most [`LOOKUP_CHUNK`] keys (at least one), filled up to that many by
/// repeating its last key, so that every lookup has the same SQL (see [`one_of`]).
fn padded<S: AsRef<str>>(chunk: &[S]) -> [&str; LOOKUP_CHUNK] {
    let last = chunk.last().map_or("", AsRef::as_ref);
    std::array::from_fn(|i| chunk.get(i).map_or(last, AsRef::as_ref))
}

/// The rows `lookup` finds for `keys`, run once per [`LOOKUP_CHUNK`] keys with the chunk
/// padded to that many (a key repeated in two chunks may find its rows twice). The SQLite
/// side of a lookup by many keys: `lookup` filters with [`one_of`].
pub(crate) fn by_chunks<S: AsRef<str>, T>(
    keys: &[S],
    mut lookup: impl FnMut([&str; LOOKUP_CHUNK]) -> diesel::QueryResult<Vec<T>>,
) -> diesel::QueryResult<Vec<T>> {
    let mut rows = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(LOOKUP_CHUNK) {
        rows.extend(lookup(padded(chunk))?);
    }
    Ok(rows)
}

/// `$column` equal to one of the eight keys `$keys` (from [`by_chunks`]): a filter of one fixed
/// shape. Diesel writes an `IN` list out value by value and never caches its statement, so
/// SQLite prepared it anew on every call; this chain of equalities is prepared once, and
/// SQLite's planner turns it back into an `IN` lookup on the column's index.
macro_rules! one_of {
    ($column:expr, $keys:expr) => {{
        let k: [&str; $crate::db::LOOKUP_CHUNK] = $keys;
        $column
            .eq(k[0])
            .or($column.eq(k[1]))
            .or($column.eq(k[2]))
            .or($column.eq(k[3]))
            .or($column.eq(k[4]))
            .or($column.eq(k[5]))
            .or($column.eq(k[6]))
            .or($column.eq(k[7]))
    }};
}
pub(crate) use one_of;

#[cfg(test)]
mod tests {
    use super::*;

    /// Nineteen keys make three lookups of eight; the last chunk is filled with its last key.
    #[test]
    fn lookups_by_chunks_cover_every_key_in_one_shape() {
        let keys: Vec<String> = (0..19).map(|i| format!("k{i}")).collect();
        let mut seen: Vec<[String; LOOKUP_CHUNK]> = Vec::new();
        let rows = by_chunks(&keys, |chunk| {
            seen.push(chunk.map(str::to_owned));
            Ok(vec![chunk[0].len()])
        })
        .unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[0][7], "k7");
        assert_eq!(seen[1][0], "k8");
        assert_eq!(seen[2][..3], ["k16", "k17", "k18"]);
        assert!(seen[2][3..].iter().all(|k| k == "k18"), "{:?}", seen[2]);
        let flat: std::collections::BTreeSet<&str> =
            seen.iter().flatten().map(String::as_str).collect();
        assert_eq!(flat.len(), 19);
        assert!(by_chunks(&[] as &[String], |_| Ok(vec![1]))
            .unwrap()
            .is_empty());
    }
}
