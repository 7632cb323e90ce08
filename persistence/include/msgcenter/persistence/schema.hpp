// The on-disk layout: names of the LMDB databases and how their keys are encoded.
//
// All integers inside keys are big-endian so that LMDB's bytewise key order equals numeric
// order: the journal iterates by sequence and message history by (conversation, message id).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "msgcenter/core/types.hpp"

namespace msgcenter::persistence {

/// Names of the named databases inside the one environment.
namespace db_names {
/// key: sequence (u64 BE); value: journal frame [u32 BE crc32c(payload)][payload].
inline constexpr std::string_view journal = "journal";
/// key: (conversation u64 BE, message id u64 BE); value: encode_message().
inline constexpr std::string_view messages = "messages";
/// Snapshots of state, keyed and encoded by their owners (see design.md, Storage).
inline constexpr std::string_view conversations = "conversations";
inline constexpr std::string_view inboxes = "inboxes";
inline constexpr std::string_view contacts = "contacts";
inline constexpr std::string_view consent = "consent";
inline constexpr std::string_view directory = "directory";
/// Small facts about the store, under the keys of meta_keys.
inline constexpr std::string_view meta = "meta";
}  // namespace db_names

/// Keys of db_names::meta.
namespace meta_keys {
/// The store's format version (u64 BE): store::open refuses any other than
/// store_format_version, and stamps a fresh store with it.
inline constexpr std::string_view format_version = "format_version";
/// The last journal sequence folded into the snapshot databases (u64 BE).
inline constexpr std::string_view snapshot_seq = "snapshot_seq";
}  // namespace meta_keys

/// The version of the whole saved form (the databases above, their keys and the tagged
/// records of field_list.hpp). 1: positional msgpack arrays, written before stores recorded
/// their version (such a store has no meta_keys::format_version). 2: tagged maps.
/// Adding a field with a default does not change it; a change old builds must not read does.
inline constexpr std::uint64_t store_format_version = 2;

/// Appends `v` as 8 big-endian bytes to `out`.
void append_u64_be(std::string& out, std::uint64_t v);
/// `v` as 8 big-endian bytes.
[[nodiscard]] std::string encode_u64_be(std::uint64_t v);
/// The u64 in the first 8 bytes of `bytes`; nullopt when shorter than 8.
[[nodiscard]] std::optional<std::uint64_t> decode_u64_be(std::string_view bytes) noexcept;

/// Journal key of sequence `seq` (8 bytes).
[[nodiscard]] inline std::string journal_key(std::uint64_t seq) { return encode_u64_be(seq); }

/// Key of a message in `messages`: conversation then message id (16 bytes).
[[nodiscard]] std::string message_record_key(conversation_id conversation, message_id id);
/// Key prefix of every message of `conversation` (8 bytes).
[[nodiscard]] std::string conversation_prefix(conversation_id conversation);

/// The smallest key greater than every key starting with `prefix`, or nullopt when there
/// is none (empty prefix, or all bytes 0xFF).
[[nodiscard]] std::optional<std::string> prefix_successor(std::string_view prefix);

}  // namespace msgcenter::persistence
