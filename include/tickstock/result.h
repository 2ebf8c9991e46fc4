// Result<T>: a value or an Error, shaped like std::expected (which GCC 12 lacks in C++20).
// Used at the edges (parsing, I/O, configuration). The hot path does not fail.
#ifndef TICKSTOCK_RESULT_H_
#define TICKSTOCK_RESULT_H_

#include <string>
#include <utility>
#include <variant>

namespace tickstock {

// What went wrong and where, e.g. "ticks.csv:812: field 'price': 'abc' is not a number".
struct Error {
  std::string message;
};

// Holds either a T or an Error. REQUIRES for value(): has_value(); for error(): !has_value().
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT
  // True when a value is held.
  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  // The value.
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  // The error.
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design
  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

// Shorthand for returning an error: `return fail("bad thing: ", x);`.
template <class... Parts>
Error fail(Parts&&... parts) {
  std::string s;
  (s.append(std::forward<Parts>(parts)), ...);
  return Error{std::move(s)};
}

}  // namespace tickstock

#endif  // TICKSTOCK_RESULT_H_
