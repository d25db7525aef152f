// NaturalLess: the order people read names in ("bank2" before "bank10"): runs of decimal digits
// compare by their value (then by length, so "07" follows "7"), everything else byte by byte. A
// strict weak order, deterministic; used for the keys of stats.json and the summary.
#pragma once

#include <cstddef>
#include <map>
#include <string>

namespace savp::common {

struct NaturalLess {
  bool operator()(const std::string& a, const std::string& b) const {
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
      if (digit(a[i]) && digit(b[j])) {
        std::size_t ie = i, je = j;
        while (ie < a.size() && digit(a[ie])) ++ie;
        while (je < b.size() && digit(b[je])) ++je;
        std::size_t iz = i, jz = j;  // skip leading zeros, then the longer run is the larger value
        while (iz + 1 < ie && a[iz] == '0') ++iz;
        while (jz + 1 < je && b[jz] == '0') ++jz;
        if (ie - iz != je - jz) return ie - iz < je - jz;
        const int c = a.compare(iz, ie - iz, b, jz, je - jz);
        if (c != 0) return c < 0;
        if (ie - i != je - j) return ie - i < je - j;  // same value: fewer leading zeros first
        i = ie;
        j = je;
        continue;
      }
      if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
      ++i;
      ++j;
    }
    return a.size() - i < b.size() - j;
  }
};

// A map whose keys iterate in natural order.
template <class T>
using NaturalMap = std::map<std::string, T, NaturalLess>;

}  // namespace savp::common
