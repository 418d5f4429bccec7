// tools/tour/ticks.hpp - round numbers for the axes of the tour's charts.
#pragma once

#include <algorithm>
#include <cmath>

namespace tour {

// A step for about `parts` grid lines up to `top`: 1, 2 or 5 times a power of ten, so tick
// labels read 0, 20k, 40k (or 0, 0.5 s, 1 s) rather than 0, 18.3k, 36.6k.
inline double round_step(double top, int parts) {
  const double raw = std::max(top, 1e-12) / parts;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double m : {1.0, 2.0, 5.0})
    if (m * power >= raw * (1 - 1e-9)) return m * power;  // 1e-9: 0.5 stays 0.5, not 1
  return 10 * power;
}

}  // namespace tour
