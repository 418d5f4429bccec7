# single_include.cmake - checks on single_include/, run as `cmake -P` by the tests in this folder.
#
#   -DMODE=drift  regenerates the single header into WORK_DIR and compares it, byte for byte,
#                 with the committed single_include/csapp.h and sbuf.h;
#   -DMODE=build  copies the committed csapp.h and sbuf.h into an empty "lab" folder and, with
#                 each compiler, as C++17 and C++20, warnings as errors, no -I to include/:
#                   - builds book-style programs copied beside them with no -I at all (the
#                     student's `g++ -std=c++17 server.cpp -pthread`), and one example that
#                     also includes "csapp/stop.hpp" through a shim folder;
#                   - runs prodcons, native and with the semaphore fallback;
#                   - builds tests/test_rio.cpp and tests/test_sbuf.cpp against the single
#                     file and runs them (with two compiler/standard pairs, to keep it short).
#                 The tests include <csapp/rio.hpp> and friends; the shim folder answers each
#                 such include with `#include "csapp.h"` and nothing else, so every line of
#                 code they compile comes from the single file.
#
# Other inputs: SOURCE_DIR (the top of the clone), WORK_DIR (scratch space in the build
# tree), COMPILERS (compiler paths separated by commas), DOCTEST_INCLUDE (doctest's
# include directory, for MODE=build) and RIO_LINK_OPTIONS (how test_rio is linked: its
# short-write hooks wrap send and write; tests/CMakeLists.txt names the options).
cmake_minimum_required(VERSION 3.25)

foreach(var MODE SOURCE_DIR WORK_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "single_include.cmake: -D${var}=... is required")
  endif()
endforeach()
set(committed ${SOURCE_DIR}/single_include)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

if(MODE STREQUAL "drift")
  execute_process(
    COMMAND ${CMAKE_COMMAND} -DOUTPUT_DIR=${WORK_DIR} -P ${SOURCE_DIR}/cmake/amalgamate.cmake
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cmake/amalgamate.cmake failed:\n${out}")
  endif()
  set(stale "")
  foreach(name csapp.h sbuf.h)
    execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files
      ${committed}/${name} ${WORK_DIR}/${name} RESULT_VARIABLE differs)
    if(NOT differs EQUAL 0)
      list(APPEND stale single_include/${name})
      find_program(DIFF diff)
      if(DIFF)  # show where, when the machine can
        execute_process(COMMAND ${DIFF} -u ${committed}/${name} ${WORK_DIR}/${name}
          OUTPUT_VARIABLE shown ERROR_QUIET)
        string(SUBSTRING "${shown}" 0 4000 shown)
        message("---- committed single_include/${name} vs. regenerated:\n${shown}")
      endif()
    endif()
  endforeach()
  if(stale)
    list(JOIN stale ", " stale)
    message(FATAL_ERROR "${stale} out of date with include/. Regenerate with\n"
      "  cmake -P cmake/amalgamate.cmake   (at the top of the clone)\n"
      "or `cmake --build <build dir> --target csapp_single_include`, and commit the result.")
  endif()
  message("single_include: csapp.h and sbuf.h match include/: PASS")
  return()
endif()

if(NOT MODE STREQUAL "build")
  message(FATAL_ERROR "single_include.cmake: unknown MODE '${MODE}'")
endif()
foreach(var COMPILERS DOCTEST_INCLUDE)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "single_include.cmake: -D${var}=... is required for MODE=build")
  endif()
endforeach()
string(REPLACE "," ";" compilers "${COMPILERS}")

# The lab folder: the two files a student copies, and the programs written beside them.
set(lab ${WORK_DIR}/lab)
file(COPY ${committed}/csapp.h ${committed}/sbuf.h DESTINATION ${lab})
file(COPY ${SOURCE_DIR}/examples/11.4-echo/echoclient.cpp
          ${SOURCE_DIR}/examples/12.5-semaphores/prodcons.cpp
          ${SOURCE_DIR}/tests/book_programs/pool_server.c
          ${SOURCE_DIR}/tests/book_programs/common_echo.h
  DESTINATION ${lab})
# The shim: <csapp/X.hpp> for every header of the C++ face, each only including the copy.
set(shim ${WORK_DIR}/shim)
file(GLOB faces RELATIVE ${SOURCE_DIR}/include ${SOURCE_DIR}/include/csapp/*.hpp)
foreach(face IN LISTS faces)
  file(WRITE ${shim}/${face} "#pragma once\n#include \"csapp.h\"  // the single header\n")
endforeach()

set(warnings -Wall -Wextra -Wpedantic -Werror)
set(failures "")
set(built 0)

# run_pair(<what> <cmd1> -- <cmd2>): runs two commands side by side (the machine may have
# two cores) and records a failure of either, with its output.
function(run_pair what)
  set(first "")
  set(second "")
  set(into first)
  foreach(arg IN LISTS ARGN)
    if(arg STREQUAL "--")
      set(into second)
    else()
      list(APPEND ${into} "${arg}")
    endif()
  endforeach()
  execute_process(COMMAND ${first} COMMAND ${second}
    RESULTS_VARIABLE results OUTPUT_QUIET ERROR_QUIET TIMEOUT 300)
  set(n 0)
  set(failed ${failures})
  foreach(cmd IN ITEMS first second)
    list(GET results ${n} rc)
    math(EXPR n "${n} + 1")
    if(NOT rc EQUAL 0)
      execute_process(COMMAND ${${cmd}} OUTPUT_VARIABLE out ERROR_VARIABLE out TIMEOUT 300)
      string(JOIN " " line ${${cmd}})
      message("---- ${what} failed (${rc}): ${line}\n${out}")
      list(APPEND failed "${what}")
    endif()
  endforeach()
  set(failures ${failed} PARENT_SCOPE)
endfunction()

# ---- 1. Programs, with every compiler and both standards ----
foreach(compiler IN LISTS compilers)
  get_filename_component(label ${compiler} NAME)
  foreach(prog echoclient.cpp prodcons.cpp pool_server.c)
    get_filename_component(stem ${prog} NAME_WE)
    set(flags ${warnings} -x c++ ${lab}/${prog} -pthread)  # -x c++: the .c as a student builds it
    run_pair("${prog} (${label})"
      ${compiler} -std=c++17 ${flags} -o ${WORK_DIR}/${stem}-${label}-17 --
      ${compiler} -std=c++20 ${flags} -o ${WORK_DIR}/${stem}-${label}-20)
    math(EXPR built "${built} + 2")
  endforeach()
  set(flags ${warnings} -I ${shim} -I ${lab} -I ${SOURCE_DIR}/examples
      ${SOURCE_DIR}/examples/11.4-echo/echoserveri.cpp -pthread)
  run_pair("echoserveri.cpp (${label})"
    ${compiler} -std=c++17 ${flags} -o ${WORK_DIR}/echoserveri-${label}-17 --
    ${compiler} -std=c++20 ${flags} -o ${WORK_DIR}/echoserveri-${label}-20)
  math(EXPR built "${built} + 2")
endforeach()

# prodcons checks its own result (each item consumed exactly once); the fallback build is
# the same source with the macro that macOS gets automatically.
list(GET compilers 0 first_compiler)
list(GET compilers -1 last_compiler)
get_filename_component(first_label ${first_compiler} NAME)
set(flags ${warnings} -DCSAPP_PORTABLE_SEMAPHORE -x c++ ${lab}/prodcons.cpp -pthread)
run_pair("prodcons with CSAPP_PORTABLE_SEMAPHORE"
  ${first_compiler} -std=c++17 ${flags} -o ${WORK_DIR}/prodcons-portable --
  ${last_compiler} -std=c++20 ${flags} -o ${WORK_DIR}/prodcons-portable-20)
math(EXPR built "${built} + 2")
foreach(exe prodcons-${first_label}-17 prodcons-portable prodcons-portable-20)
  execute_process(COMMAND ${WORK_DIR}/${exe} 4 4 100000
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out TIMEOUT 120)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "each item consumed exactly once")
    message("---- ${exe} 4 4 100000 failed (${rc}):\n${out}")
    list(APPEND failures "running ${exe}")
  else()
    message("single_include: ${exe} 4 4 100000: each item consumed exactly once")
  endif()
endforeach()

# ---- 2. The RIO and sbuf tests, built against the single file and run ----
# Two pairs: the first compiler with C++17, the last with C++20 (g++ and clang++ here).
set(test_flags ${warnings} -DDOCTEST_CONFIG_USE_STD_HEADERS -I ${shim} -I ${lab} -pthread)
# Naming a default system directory with -isystem reorders it and breaks #include_next.
if(NOT DOCTEST_INCLUDE MATCHES "^/usr(/local)?/include/?$")
  list(APPEND test_flags -isystem ${DOCTEST_INCLUDE})
endif()
get_filename_component(last_label ${last_compiler} NAME)
run_pair("doctest main"  # no csapp code in it, but built as the tests are
  ${first_compiler} -std=c++17 ${test_flags} -c ${SOURCE_DIR}/tests/main.cpp
    -o ${WORK_DIR}/main-${first_label}-c++17.o --
  ${last_compiler} -std=c++20 ${test_flags} -c ${SOURCE_DIR}/tests/main.cpp
    -o ${WORK_DIR}/main-${last_label}-c++20.o)
set(runs "")
foreach(pair "${first_compiler}|c++17" "${last_compiler}|c++20")
  string(REPLACE "|" ";" pair "${pair}")
  list(GET pair 0 compiler)
  list(GET pair 1 std)
  get_filename_component(label ${compiler} NAME)
  set(main ${WORK_DIR}/main-${label}-${std}.o)
  run_pair("test_rio.cpp and test_sbuf.cpp (${label} -std=${std})"
    ${compiler} -std=${std} ${test_flags} ${SOURCE_DIR}/tests/test_rio.cpp ${main}
      ${RIO_LINK_OPTIONS} -o ${WORK_DIR}/test_rio-${label}-${std} --
    ${compiler} -std=${std} ${test_flags} ${SOURCE_DIR}/tests/test_sbuf.cpp ${main}
      -o ${WORK_DIR}/test_sbuf-${label}-${std})
  math(EXPR built "${built} + 3")
  list(APPEND runs test_rio-${label}-${std} test_sbuf-${label}-${std})
endforeach()
if(failures)
  list(JOIN failures "\n  " failed)
  message(FATAL_ERROR "against the single header, these failed:\n  ${failed}")
endif()
foreach(exe IN LISTS runs)
  execute_process(COMMAND ${WORK_DIR}/${exe} --no-version
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out TIMEOUT 120)
  string(REGEX MATCH "test cases:[^\n]*" summary "${out}")
  if(NOT rc EQUAL 0)
    message("---- ${exe} failed (${rc}):\n${out}")
    list(APPEND failures "running ${exe}")
  else()
    message("single_include: ${exe}: ${summary}")
  endif()
endforeach()

if(failures)
  list(JOIN failures "\n  " failed)
  message(FATAL_ERROR "against the single header, these failed:\n  ${failed}")
endif()
list(JOIN compilers ", " used)
message("single_include: ${built} builds (${used}; c++17 and c++20), programs and tests ran: PASS")
