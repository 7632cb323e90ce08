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
/// Small facts about the store: format version, last snapshot sequence, ...
inline constexpr std::string_view meta = "meta";
}  // namespace db_names

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
