// argon2id hashing and tokens through libsodium.
#include "web/store/passwords.h"

#include <mutex>
#include <stdexcept>

#include <sodium.h>

namespace tickstock::app {
namespace {

void init_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  });
}

unsigned long long ops_limit(HashCost c) {
  return c == HashCost::kInteractive ? crypto_pwhash_OPSLIMIT_INTERACTIVE
                                     : crypto_pwhash_OPSLIMIT_MIN;
}

std::size_t mem_limit(HashCost c) {
  // argon2id needs at least 8 KiB; 64 KiB keeps the test cost small but not degenerate.
  return c == HashCost::kInteractive ? crypto_pwhash_MEMLIMIT_INTERACTIVE : 64 * 1024;
}

}  // namespace

Result<std::string> hash_password(std::string_view password, HashCost cost) {
  init_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops_limit(cost), mem_limit(cost),
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    return fail("hashing the password failed (out of memory)");
  return std::string(out);
}

bool verify_password(const std::string& hash, std::string_view password) {
  init_sodium();
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void verify_dummy_password(std::string_view password, HashCost cost) {
  // A hash of each cost made once; verifying against it costs what a real one does.
  static const std::string interactive = [] {
    auto h = hash_password("not a password of anyone", HashCost::kInteractive);
    return h ? *h : std::string();
  }();
  static const std::string minimum = [] {
    auto h = hash_password("not a password of anyone", HashCost::kMinimum);
    return h ? *h : std::string();
  }();
  (void)verify_password(cost == HashCost::kInteractive ? interactive : minimum, password);
}

std::string random_token() {
  init_sodium();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  char out[sodium_base64_ENCODED_LEN(sizeof bytes, kVariant)];
  sodium_bin2base64(out, sizeof out, bytes, sizeof bytes, kVariant);
  return out;
}

std::string token_digest(std::string_view token) {
  init_sodium();
  unsigned char digest[crypto_generichash_BYTES];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

Result<void> check_username(std::string_view name) {
  if (name.empty() || name.size() > 64) return fail("username must be 1 to 64 characters long");
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '@' || c == '-';
    if (!ok) return fail("username may contain only letters, digits and _ . @ -");
  }
  return {};
}

Result<void> check_password(std::string_view password) {
  if (password.size() < 8) return fail("password must be at least 8 characters long");
  if (password.size() > 1024) return fail("password must be at most 1024 bytes long");
  return {};
}

bool equal_in_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  init_sodium();
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tickstock::app
