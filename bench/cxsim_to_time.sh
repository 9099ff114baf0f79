# Sourced by the whole-process benchmarks: sets `cxsim` to the binary they time. CXSIM names an
# already built one (another commit's, for a before/after); otherwise the one in "$build" is
# built from this tree (Release).
if [ -n "${CXSIM:-}" ]; then
  cxsim=$CXSIM
else
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j "$(nproc)" --target cxsim >/dev/null
  cxsim=$build/cli/cxsim
fi
