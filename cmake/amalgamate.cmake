# amalgamate.cmake - writes single_include/csapp.h and single_include/sbuf.h from include/.
#
#   cmake -P cmake/amalgamate.cmake                       (from the top of the clone)
#   cmake -DOUTPUT_DIR=<dir> -P cmake/amalgamate.cmake    (elsewhere: the drift check)
#
# A student copies csapp.h into a lab folder and compiles with plain g++, as with the book's
# csapp.h; this makes that one file. Each of our own headers (an #include "..." or
# #include <csapp/...> that names a file under include/) is pasted in place of its first
# #include and dropped at later ones, which is what their #pragma once / include guards
# would do; system includes are left as written. csapp.h holds the book face and the whole
# C++ face (csapp/all.hpp). The book's sbuf_t stays in its own sbuf.h, as in include/ and in
# the book, so that a student's own sbuf.h/sbuf.c beside this csapp.h does not clash; the
# generated sbuf.h is include/sbuf.h with its includes replaced by #include "csapp.h".
#
# Written as a CMake script so that generating needs nothing the build does not already need.
cmake_minimum_required(VERSION 3.25)

get_filename_component(source_dir "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(include_dir "${source_dir}/include")
if(NOT DEFINED OUTPUT_DIR OR OUTPUT_DIR STREQUAL "")
  set(OUTPUT_DIR "${source_dir}/single_include")
endif()

# CMake lists split on ';' and do not split inside [...]: C++ is full of both. They are
# swapped for control characters while lines are handled as a list, and swapped back at the end.
string(ASCII 1 semi)
string(ASCII 2 open_bracket)
string(ASCII 3 close_bracket)

# The header under include/ that an include line names, or "" when it is not one of ours.
function(resolve_include line from_dir out)
  set(${out} "" PARENT_SCOPE)
  if(line MATCHES "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\"")
    set(name "${CMAKE_MATCH_1}")
    set(candidates "${from_dir}/${name}" "${include_dir}/${name}")  # quotes: own folder first
  elseif(line MATCHES "^[ \t]*#[ \t]*include[ \t]*<(csapp[/.][^>]+)>")
    set(candidates "${include_dir}/${CMAKE_MATCH_1}")
  else()
    return()
  endif()
  foreach(candidate IN LISTS candidates)
    get_filename_component(candidate "${candidate}" ABSOLUTE)
    string(FIND "${candidate}" "${include_dir}/" at)  # not MATCHES: the path may hold "+"
    if(EXISTS "${candidate}" AND at EQUAL 0)
      set(${out} "${candidate}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
endfunction()

# Appends `file` to the variable named by `out`, our includes pasted in recursively.
# DONE (a global property) lists the headers already pasted; an include of one of those is
# dropped, except that with REPLACEMENT set, the first such include becomes that line.
function(paste file out)
  set_property(GLOBAL APPEND PROPERTY DONE "${file}")
  get_filename_component(dir "${file}" DIRECTORY)
  file(READ "${file}" text)
  string(REPLACE ";" "${semi}" text "${text}")
  string(REPLACE "[" "${open_bracket}" text "${text}")
  string(REPLACE "]" "${close_bracket}" text "${text}")
  string(REGEX REPLACE "\n$" "" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  set(result "${${out}}")
  foreach(line IN LISTS lines)
    if(line MATCHES "^[ \t]*#[ \t]*pragma[ \t]+once")
      continue()  # one #pragma once at the top of the output covers every part
    endif()
    resolve_include("${line}" "${dir}" header)
    if(header STREQUAL "")
      string(APPEND result "${line}\n")
      continue()
    endif()
    get_property(done GLOBAL PROPERTY DONE)
    if(header IN_LIST done)
      get_property(replacement GLOBAL PROPERTY REPLACEMENT)
      if(NOT replacement STREQUAL "")
        string(APPEND result "${replacement}\n")
        set_property(GLOBAL PROPERTY REPLACEMENT "")
      endif()
      continue()
    endif()
    file(RELATIVE_PATH shown "${source_dir}" "${header}")
    string(APPEND result "// ---- ${shown} (pasted here by cmake/amalgamate.cmake) ----\n")
    paste("${header}" result)
  endforeach()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

# Writes `output` from `roots` (absolute paths), under a banner that names every source.
function(amalgamate output roots)
  get_property(before GLOBAL PROPERTY DONE)
  set(body "")
  foreach(root IN LISTS roots)
    if(NOT body STREQUAL "")
      string(APPEND body "\n")  # a blank line between one root's end and the next
    endif()
    paste("${root}" body)
  endforeach()
  get_property(after GLOBAL PROPERTY DONE)
  set(sources "")
  foreach(file IN LISTS after)
    if(NOT file IN_LIST before)
      file(RELATIVE_PATH shown "${source_dir}" "${file}")
      string(APPEND sources "//   ${shown}\n")
    endif()
  endforeach()
  get_filename_component(name "${output}" NAME)
  set(banner
    "// ${name} - GENERATED from csapp-conc's include/ by cmake/amalgamate.cmake. Do not edit:\n"
    "// change the headers under include/ and run `cmake -P cmake/amalgamate.cmake` at the top\n"
    "// of the clone (the test single_include.drift fails while this copy is stale).\n"
    "//\n"
    "// Use: copy single_include/csapp.h (and sbuf.h, for the book's `#include \"sbuf.h\"`)\n"
    "// beside your program, then `g++ -std=c++17 prog.c -pthread`. Nothing else is needed,\n"
    "// and the book's csapp.c and sbuf.c stay out of the build (they would define it twice).\n"
    "//\n"
    "// Made from, in this order:\n"
    "${sources}"
    "#pragma once\n\n")
  string(CONCAT text ${banner} "${body}")
  string(REPLACE "${semi}" ";" text "${text}")
  string(REPLACE "${open_bracket}" "[" text "${text}")
  string(REPLACE "${close_bracket}" "]" text "${text}")
  file(WRITE "${output}" "${text}")
  message(STATUS "amalgamate: wrote ${output}")
endfunction()

set_property(GLOBAL PROPERTY DONE "")
set_property(GLOBAL PROPERTY REPLACEMENT "")
file(MAKE_DIRECTORY "${OUTPUT_DIR}")
amalgamate("${OUTPUT_DIR}/csapp.h" "${include_dir}/csapp.h;${include_dir}/csapp/all.hpp")
# Everything sbuf.h includes of ours is in csapp.h by now: one #include "csapp.h" stands in.
set_property(GLOBAL PROPERTY REPLACEMENT "#include \"csapp.h\"")
amalgamate("${OUTPUT_DIR}/sbuf.h" "${include_dir}/sbuf.h")
