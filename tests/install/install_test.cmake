# `cmake --install` into a fresh prefix, then the installed program and helper are used from
# there: P/bin/cxsim --version, P/share/cxsim/python/cxsim_results.py finding P/bin/cxsim on
# PATH and the bundled scenarios next to it, `cxsim report` drawing with
# P/share/cxsim/reports/make_report.py, and a screening `optimize` loading pagmo's module from
# P/lib/cxsim.
# Usage: cmake -DBUILD_DIR=... -DPREFIX=... -DPYTHON=/usr/bin/python3 -P install_test.cmake
file(REMOVE_RECURSE "${PREFIX}")

execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc}):\n${out}\n${err}")
endif()
message(STATUS "${out}")

foreach(f bin/cxsim lib/cxsim/libcxsim_gaco.so share/cxsim/python/cxsim_results.py
          share/cxsim/scenarios/telecom.yaml
          share/cxsim/scenarios/validation/bass_ring.yaml share/cxsim/reports/make_report.py)
  if(NOT EXISTS "${PREFIX}/${f}")
    message(FATAL_ERROR "not installed: ${PREFIX}/${f}")
  endif()
endforeach()

execute_process(COMMAND "${PREFIX}/bin/cxsim" --version
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "^cxsim [0-9]")
  message(FATAL_ERROR "${PREFIX}/bin/cxsim --version: exit ${rc}, printed:\n${out}${err}")
endif()
message(STATUS "${PREFIX}/bin/cxsim --version: ${out}")

# The installed helper, with only the prefix's bin on PATH (and the system's) and no $CXSIM.
set(check [=[
import sys
from pathlib import Path
prefix = Path(sys.argv[1])
sys.path.insert(0, str(prefix / "share/cxsim/python"))
import cxsim_results as cx
assert Path(cx.__file__).resolve().parent == (prefix / "share/cxsim/python").resolve(), cx.__file__
found = cx.find_cxsim()
assert found.resolve() == (prefix / "bin/cxsim").resolve(), found
assert cx.scenario_path("telecom").is_file(), cx.scenario_path("telecom")
print("installed helper finds", found)
# Not on PATH: the installed helper still finds the cxsim of its own prefix.
import os, shutil
os.environ["PATH"] = "/usr/bin:/bin"
if shutil.which("cxsim") is None:
    found = cx.find_cxsim()
    assert found.resolve() == (prefix / "bin/cxsim").resolve(), found
    print("off PATH, installed helper finds", found)
]=])
execute_process(COMMAND "${CMAKE_COMMAND}" -E env --unset=CXSIM "PATH=${PREFIX}/bin:/usr/bin:/bin"
                        "${PYTHON}" -c "${check}" "${PREFIX}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the installed helper:\n${out}${err}")
endif()
message(STATUS "${out}")

# The installed program writes a report with the installed make_report.py.
execute_process(COMMAND "${CMAKE_COMMAND}" -E env --unset=CXSIM_REPORT_SCRIPT
                        "${PREFIX}/bin/cxsim" run "${PREFIX}/share/cxsim/scenarios/telecom.yaml"
                        -o "${PREFIX}/telecom.h5" --replications 2 --set agents=500 -q
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  execute_process(COMMAND "${CMAKE_COMMAND}" -E env --unset=CXSIM_REPORT_SCRIPT
                          "${PREFIX}/bin/cxsim" report "${PREFIX}/telecom.h5"
                          -o "${PREFIX}/telecom.html"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
endif()
if(NOT rc EQUAL 0 OR NOT EXISTS "${PREFIX}/telecom.html")
  message(FATAL_ERROR "the installed cxsim report:\n${out}${err}")
endif()
message(STATUS "installed cxsim report wrote ${PREFIX}/telecom.html")

# The installed program screens a large optimize space with the installed pagmo module.
file(WRITE "${PREFIX}/large.yaml" "scenario: ${PREFIX}/share/cxsim/scenarios/experiments/knapsack_large.yaml
replications: 10
optimize:
  initiatives: [a_raise, b_raise, c_raise, d_raise, e_raise, f_raise, g_raise]
  start_months: [1, 7, 13, 19]
  constraints: {capex_total: 1.2e7, capex_per_year: 8.0e6}
  indifference_zone: 5.0e5
  screening: {population: 12, generations: 6, shortlist: 5, replications: 6}
")
execute_process(COMMAND "${CMAKE_COMMAND}" -E env --unset=CXSIM_GACO_MODULE
                        "${PREFIX}/bin/cxsim" optimize "${PREFIX}/large.yaml"
                        -o "${PREFIX}/large.h5" -q
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT EXISTS "${PREFIX}/large.h5")
  message(FATAL_ERROR "the installed cxsim optimize (screening):\n${out}${err}")
endif()
message(STATUS "installed cxsim optimize screened with ${PREFIX}/lib/cxsim/libcxsim_gaco.so")
