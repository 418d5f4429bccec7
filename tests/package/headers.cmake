# headers.cmake - compiler checks on include/, run as `cmake -P` by the tests in this folder.
#
#   -DMODE=self_contained  every header compiles alone: a .cpp whose only line includes it,
#                          with each compiler, as C++17 and C++20, warnings as errors (the
#                          semaphore-related ones also with CSAPP_PORTABLE_SEMAPHORE);
#   -DMODE=c_rejected      csapp.h and sbuf.h compiled as C stop at once, with one line
#                          (the header's own #error) that names g++ -std=c++17;
#   -DMODE=cxx14_rejected  the same as C++14 (clang 14's default), for the book face and
#                          for headers of the C++ face a program may include first;
#   -DMODE=book_files_rejected  the book's csapp.c or sbuf.c beside our headers: the first
#                          error says to leave it out, before the redefinition errors.
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

elseif(MODE MATCHES "^(c|cxx14)_rejected$")
  # The message to expect is read from the headers themselves, so the two cannot drift apart.
  # (A directive may be continued with a backslash, as clang-format does to long lines.)
  set(messages "")
  foreach(header csapp.h csapp/error.hpp)
    file(READ ${INCLUDE_DIR}/${header} text)
    string(REGEX REPLACE "\\\\\n" " " text "${text}")
    string(REGEX MATCHALL "\n#[ \t]*error[ \t]+\"[^\"\n]*\"" directives "${text}")
    foreach(directive IN LISTS directives)
      string(REGEX REPLACE "^\n#[ \t]*error[ \t]+\"([^\"]*)\"$" "\\1" message "${directive}")
      list(APPEND messages "${message}")
    endforeach()
  endforeach()
  # What a student compiles first: a book program (a .c file) on csapp.h or sbuf.h, and a
  # program on the C++ face. As C, only the book face matters (the C++ face is .hpp).
  set(programs book_program.c:csapp.h book_sbuf.c:sbuf.h)
  if(MODE STREQUAL "c_rejected")
    set(lang_flags -x c)
  else()
    set(lang_flags -x c++ -std=c++14)  # -std=c++14 (gnu++14) is clang 14's default
    list(APPEND programs cxx_face.cpp:csapp/all.hpp cxx_sbuf.cpp:csapp/sbuf.hpp
         cxx_fd.cpp:csapp/fd.hpp)
  endif()
  foreach(program IN LISTS programs)
    string(REPLACE ":" ";" program "${program}")
    list(GET program 0 name)
    list(GET program 1 header)
    set(source ${WORK_DIR}/${name})
    file(WRITE ${source} "#include \"${header}\"\n\nint main(void) { return 0; }\n")
    foreach(compiler IN LISTS compilers)
      compiler_label(${compiler} label)
      set(what "${label} ${lang_flags} on ${header}")
      list(JOIN what " " what)
      execute_process(
        COMMAND ${compiler} ${lang_flags} -fsyntax-only -I ${INCLUDE_DIR} ${source}
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
      if(rc EQUAL 0)
        message(FATAL_ERROR "${what}: accepted; it must stop with the header's #error")
      endif()
      set(found "")
      foreach(message IN LISTS messages)
        string(FIND "${out}" "${message}" at)
        if(NOT at EQUAL -1)
          set(found "${message}")
          break()
        endif()
      endforeach()
      # One clear line and no cascade: the #error and the missing file that stops the
      # compiler right after it (a cascade runs to hundreds of lines about std::optional).
      string(REGEX MATCHALL "(^|\n)[^\n]*(error|fatal error): [^\n]*" errors "${out}")
      list(LENGTH errors n_errors)
      if(found STREQUAL "" OR NOT found MATCHES "-std=c\\+\\+17" OR n_errors GREATER 5)
        message(FATAL_ERROR "${what}: failed, but not with one #error line that names "
                            "-std=c++17 (${n_errors} error lines)\n  output:\n${out}")
      endif()
      message("headers: ${what} stops with ${n_errors} error lines: ${found}")
    endforeach()
  endforeach()
  message("headers: ${MODE}: each stops at once with a line naming -std=c++17: PASS")

elseif(MODE STREQUAL "book_files_rejected")
  # The book's csapp.c or sbuf.c compiled beside our headers defines everything twice; the
  # first error must tell the student to leave the file out, before the redefinitions.
  file(WRITE ${WORK_DIR}/csapp.c
       "#include \"csapp.h\"\n\n/* as in the book's csapp.c */\npid_t Fork(void) {\n"
       "  pid_t pid;\n  if ((pid = fork()) < 0) unix_error(\"Fork error\");\n  return pid;\n}\n")
  file(WRITE ${WORK_DIR}/sbuf.c
       "#include \"csapp.h\"\n#include \"sbuf.h\"\n\n/* as in the book's sbuf.c */\n"
       "void sbuf_deinit(sbuf_t *sp) { Free(sp->buf); }\n")
  foreach(file csapp.c sbuf.c)
    foreach(compiler IN LISTS compilers)
      compiler_label(${compiler} label)
      execute_process(
        COMMAND ${compiler} -x c++ -std=c++17 -fsyntax-only -I ${INCLUDE_DIR} ${file}
        WORKING_DIRECTORY ${WORK_DIR}
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
      string(REGEX MATCHALL "(^|\n)[^\n]*error: [^\n]*" errors "${out}")
      list(LENGTH errors n_errors)
      set(first "")
      if(errors)
        list(GET errors 0 first)
      endif()
      string(FIND "${first}" "leave the book's ${file} out" advice)
      string(FIND "${out}" "redefinition" redefinition)
      if(rc EQUAL 0 OR advice EQUAL -1 OR redefinition EQUAL -1)
        message(FATAL_ERROR "${label} on the book's ${file}: the first error line should say to "
                            "leave ${file} out, before the redefinitions\n  output:\n${out}")
      endif()
      string(STRIP "${first}" first)
      message("headers: ${label} on the book's ${file}, first of ${n_errors} errors: ${first}")
    endforeach()
  endforeach()
  message("headers: the book's csapp.c and sbuf.c are turned away on the first line: PASS")

else()
  message(FATAL_ERROR "headers.cmake: unknown MODE '${MODE}'")
endif()
