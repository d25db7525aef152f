// NaturalLess (models/common/natural_order.hpp): digit runs by value, the rest byte by byte; a strict
// weak order that sorts stats keys as people read them (bank2 before bank10).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "models/common/natural_order.hpp"

using savp::common::NaturalLess;

TEST_CASE("natural order: numbers by value, text by bytes", "[common][natural_order]") {
  const NaturalLess less;
  CHECK(less("bank2", "bank10"));
  CHECK_FALSE(less("bank10", "bank2"));
  CHECK(less("ch1.bank15.reads", "ch2.bank0.reads"));
  CHECK(less("ch9.reads", "ch10.reads"));
  CHECK(less("a", "b"));
  CHECK(less("a", "a0"));
  CHECK(less("7", "07"));  // same value: fewer leading zeros first
  CHECK_FALSE(less("x", "x"));
  std::vector<std::string> keys = {"ch0.bank10.reads", "ch0.bank2.reads", "ch10.reads",
                                   "ch0.bank1.reads",  "ch2.reads",       "activates"};
  std::sort(keys.begin(), keys.end(), less);
  CHECK(keys == std::vector<std::string>{"activates", "ch0.bank1.reads", "ch0.bank2.reads",
                                         "ch0.bank10.reads", "ch2.reads", "ch10.reads"});
}

TEST_CASE("natural order is a strict weak order on mixed keys", "[common][natural_order]") {
  const NaturalLess less;
  const std::vector<std::string> k = {"",   "0",   "00",  "1",   "01", "10", "a",
                                      "a1", "a01", "a1b", "a10", "b",  "1a"};
  for (const auto& x : k) {
    CHECK_FALSE(less(x, x));
    for (const auto& y : k) {
      if (less(x, y)) CHECK_FALSE(less(y, x));
      for (const auto& z : k) {
        if (less(x, y) && less(y, z)) CHECK(less(x, z));
      }
    }
  }
}
