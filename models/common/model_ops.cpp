#include "models/common/model_ops.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace savp::common {

namespace {

void require_same_shape(const MatrixD& a, const MatrixD& b, const char* op) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) {
    throw std::invalid_argument(std::string(op) + ": operands of different shapes");
  }
}

void require_width(const MatrixD& x, const std::vector<double>& v, const char* op) {
  if (v.size() != x.cols()) throw std::invalid_argument(std::string(op) + ": a vector of the wrong width");
}

}  // namespace

MatrixD layernorm(const MatrixD& x, const std::vector<double>& gamma, const std::vector<double>& beta,
                  double eps) {
  require_width(x, gamma, "layernorm");
  require_width(x, beta, "layernorm");
  const std::size_t n = x.cols();
  MatrixD y(x.rows(), n);
  for (std::size_t r = 0; r < x.rows(); ++r) {
    const double* xr = x.row(r);
    double sum = 0.0;
    for (std::size_t j = 0; j < n; ++j) sum += xr[j];
    const double mean = sum / static_cast<double>(n);
    double sq = 0.0;
    for (std::size_t j = 0; j < n; ++j) sq += (xr[j] - mean) * (xr[j] - mean);
    const double sd = std::sqrt(sq / static_cast<double>(n) + eps);
    double* yr = y.row(r);
    for (std::size_t j = 0; j < n; ++j) yr[j] = (xr[j] - mean) / sd * gamma[j] + beta[j];
  }
  return y;
}

MatrixD rmsnorm(const MatrixD& x, const std::vector<double>& gamma, double eps) {
  require_width(x, gamma, "rmsnorm");
  const std::size_t n = x.cols();
  MatrixD y(x.rows(), n);
  for (std::size_t r = 0; r < x.rows(); ++r) {
    const double* xr = x.row(r);
    double sq = 0.0;
    for (std::size_t j = 0; j < n; ++j) sq += xr[j] * xr[j];
    const double rms = std::sqrt(sq / static_cast<double>(n) + eps);
    double* yr = y.row(r);
    for (std::size_t j = 0; j < n; ++j) yr[j] = xr[j] / rms * gamma[j];
  }
  return y;
}

MatrixD gelu(const MatrixD& x) {
  const double k = std::sqrt(2.0 / 3.14159265358979323846);
  MatrixD y(x.rows(), x.cols());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double v = x.data()[i];
    y.data()[i] = 0.5 * v * (1.0 + std::tanh(k * (v + 0.044715 * v * v * v)));
  }
  return y;
}

MatrixD silu_mul(const MatrixD& g, const MatrixD& u) {
  require_same_shape(g, u, "silu_mul");
  MatrixD y(g.rows(), g.cols());
  for (std::size_t i = 0; i < g.size(); ++i) {
    const double v = g.data()[i];
    y.data()[i] = v / (1.0 + std::exp(-v)) * u.data()[i];
  }
  return y;
}

MatrixD add(const MatrixD& a, const MatrixD& b) {
  require_same_shape(a, b, "add");
  MatrixD y(a.rows(), a.cols());
  for (std::size_t i = 0; i < a.size(); ++i) y.data()[i] = a.data()[i] + b.data()[i];
  return y;
}

MatrixD rope(const MatrixD& x, const std::vector<std::uint32_t>& positions, std::uint64_t head_dim,
             double theta) {
  if (head_dim == 0 || head_dim % 2 != 0 || x.cols() % head_dim != 0) {
    throw std::invalid_argument("rope: head_dim must be even and divide the row");
  }
  if (positions.size() != x.rows()) throw std::invalid_argument("rope: one position per row");
  const std::size_t half = head_dim / 2;
  std::vector<double> inv_freq(half);
  for (std::size_t i = 0; i < half; ++i) {
    inv_freq[i] = std::pow(theta, -2.0 * static_cast<double>(i) / static_cast<double>(head_dim));
  }
  MatrixD y(x.rows(), x.cols());
  std::vector<double> c(half), s(half);
  for (std::size_t r = 0; r < x.rows(); ++r) {
    for (std::size_t i = 0; i < half; ++i) {
      const double angle = static_cast<double>(positions[r]) * inv_freq[i];
      c[i] = std::cos(angle);
      s[i] = std::sin(angle);
    }
    for (std::size_t h0 = 0; h0 < x.cols(); h0 += head_dim) {
      const double* xr = x.row(r) + h0;
      double* yr = y.row(r) + h0;
      for (std::size_t i = 0; i < half; ++i) {
        yr[i] = xr[i] * c[i] - xr[i + half] * s[i];
        yr[i + half] = xr[i] * s[i] + xr[i + half] * c[i];
      }
    }
  }
  return y;
}

}  // namespace savp::common
