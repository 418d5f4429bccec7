# headers.cmake - compiler checks on include/, run as `cmake -P` by the tests in this folder.
#
#   -DMODE=self_contained  every header compiles alone: a .cpp whose only line includes it,
#                          with each compiler, as C++17 and C++20, warnings as errors (the
#                          semaphore-related ones also with CSAPP_PORTABLE_SEMAPHORE);
#   -DMODE=c_rejected      csapp.h compiled as C stops, and says why (its own #error text).
#
# Other inputs: INCLUDE_DIR (the source include/), WORK_DIR (scratch space in the build
# tree) and COMPILERS (compiler paths separated by commas: a ;-list does not survive
# add_test's command line).
cmake_minimum_required(VERSION 3.25)

foreach(var MODE INCLUDE_DIR WORK_DIR COMPILERS)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "headers.cmake: -D${var}=... is required")
  endif()
endforeach()
string(REPLACE "," ";" compilers "${COMPILERS}")
file(MAKE_DIRECTORY ${WORK_DIR})

# A short label for a compiler in reports: its file name (g++, clang++, ...).
function(compiler_label compiler out)
  get_filename_component(name ${compiler} NAME)
  set(${out} ${name} PARENT_SCOPE)
endfunction()

if(MODE STREQUAL "self_contained")
  file(GLOB_RECURSE headers RELATIVE ${INCLUDE_DIR} ${INCLUDE_DIR}/*.h ${INCLUDE_DIR}/*.hpp)
  list(SORT headers)
  if(NOT headers)
    message(FATAL_ERROR "no headers found under ${INCLUDE_DIR}")
  endif()
  set(failures "")
  set(checked 0)
  foreach(header IN LISTS headers)
    string(MAKE_C_IDENTIFIER ${header} stem)
    set(source ${WORK_DIR}/${stem}.cpp)
    file(WRITE ${source} "#include \"${header}\"\n")
    # The headers that change with the semaphore fallback are checked with it too.
    set(variants "")
    if(header MATCHES "^(csapp\\.h|sbuf\\.h|csapp/semaphore\\.hpp|csapp/sbuf\\.hpp|csapp/all\\.hpp)$")
      list(APPEND variants -DCSAPP_PORTABLE_SEMAPHORE)
    endif()
    foreach(compiler IN LISTS compilers)
      compiler_label(${compiler} label)
      foreach(variant "" ${variants})
        # Both standards at once: execute_process runs its COMMANDs side by side (as a
        # pipeline, harmless here since -fsyntax-only writes nothing to stdout) and reports
        # each one's exit status. A failure is compiled again alone, for its own messages.
        set(flags -Wall -Wextra -Wpedantic -Werror -fsyntax-only ${variant} -I ${INCLUDE_DIR}
            ${source})
        execute_process(
          COMMAND ${compiler} -std=c++17 ${flags}
          COMMAND ${compiler} -std=c++20 ${flags}
          RESULTS_VARIABLE results OUTPUT_QUIET ERROR_QUIET)
        set(standards c++17 c++20)  # in the order of the COMMANDs above
        foreach(std rc IN ZIP_LISTS standards results)
          math(EXPR checked "${checked} + 1")
          if(NOT rc EQUAL 0)
            execute_process(COMMAND ${compiler} -std=${std} ${flags}
              OUTPUT_VARIABLE out ERROR_VARIABLE out)
            list(APPEND failures "${header} (${label} -std=${std} ${variant})")
            message("---- ${header} does not compile alone with ${label} -std=${std} ${variant}:\n${out}")
          endif()
        endforeach()
      endforeach()
    endforeach()
  endforeach()
  list(LENGTH headers n_headers)
  if(failures)
    list(JOIN failures "\n  " failed)
    message(FATAL_ERROR "headers that are not self-contained and warning-free:\n  ${failed}")
  endif()
  list(JOIN compilers ", " used)
  message("headers: all ${n_headers} headers compile alone (${checked} checks; ${used}; "
          "c++17 and c++20): PASS")

elseif(MODE STREQUAL "c_rejected")
  # The message to expect is read from the header itself, so the two cannot drift apart.
  # (A directive may be continued with a backslash, as clang-format does to long lines.)
  file(READ ${INCLUDE_DIR}/csapp.h text)
  string(REGEX REPLACE "\\\\\n" " " text "${text}")
  string(REGEX MATCHALL "\n#[ \t]*error[ \t]+\"[^\"\n]*\"" directives "${text}")
  list(LENGTH directives n_errors)
  if(NOT n_errors EQUAL 1)
    message(FATAL_ERROR "expected exactly one #error \"...\" in csapp.h, found ${n_errors}")
  endif()
  string(REGEX REPLACE "^\n#[ \t]*error[ \t]+\"([^\"]*)\"$" "\\1" expected "${directives}")
  set(source ${WORK_DIR}/book_program.c)
  file(WRITE ${source} "#include \"csapp.h\"\n\nint main(void) { return 0; }\n")
  foreach(compiler IN LISTS compilers)
    compiler_label(${compiler} label)
    execute_process(
      COMMAND ${compiler} -x c -fsyntax-only -I ${INCLUDE_DIR} ${source}
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(rc EQUAL 0)
      message(FATAL_ERROR "${label} -x c accepted csapp.h; it must stop with its #error")
    endif()
    string(FIND "${out}" "${expected}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${label} -x c failed, but without the #error text\n"
                          "  expected: ${expected}\n  output:\n${out}")
    endif()
    message("headers: ${label} -x c rejects csapp.h with: ${expected}")
  endforeach()
  message("headers: csapp.h refuses C: PASS")

else()
  message(FATAL_ERROR "headers.cmake: unknown MODE '${MODE}'")
endif()
