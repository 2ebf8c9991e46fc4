// Password hashing (libsodium argon2id), random tokens and token digests for the accounts.
// Thread-safe: libsodium is initialised once, on first use.
#ifndef TICKSTOCKAPP_WEB_STORE_PASSWORDS_H_
#define TICKSTOCKAPP_WEB_STORE_PASSWORDS_H_

#include <string>
#include <string_view>

#include "tickstock/result.h"

namespace tickstock::app {

// Argon2id's cost. kInteractive is libsodium's interactive limits (64 MiB, 2 passes): the
// default; kMinimum is for tests that log in many times (never for real accounts).
enum class HashCost { kInteractive, kMinimum };

// The argon2id hash of `password` in libsodium's string format ($argon2id$v=19$...).
// Error: out of memory.
Result<std::string> hash_password(std::string_view password,
                                  HashCost cost = HashCost::kInteractive);
// True when `password` matches `hash` (made by hash_password). Takes as long as hashing.
bool verify_password(const std::string& hash, std::string_view password);
// Spends the time of one verify_password on nothing, so that an unknown username takes as long
// to refuse as a wrong password.
void verify_dummy_password(std::string_view password, HashCost cost = HashCost::kInteractive);
// A new random token: 32 bytes from libsodium's CSPRNG, base64url without padding (43 chars).
std::string random_token();
// The hex BLAKE2b-256 digest of `token`: what is stored instead of a session token.
std::string token_digest(std::string_view token);
// Whether `name` can be a username: 1 to 64 of A-Z a-z 0-9 _ . @ -.
Result<void> check_username(std::string_view name);
// Whether `password` can be a password: 8 to 1024 bytes.
Result<void> check_password(std::string_view password);
// Compares two strings in time independent of where they differ (CSRF tokens).
bool equal_in_constant_time(std::string_view a, std::string_view b);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_STORE_PASSWORDS_H_
