# recipes.cmake - the README's ways to build a book-style C program on csapp.h, as `cmake -P`.
#
#   -DMODE=makefile      a lab Makefile with CC = g++ (compile and link with g++), the single
#                        csapp.h beside the program, built by make; the same Makefile with
#                        CC = gcc stops at once on the header's line that names g++;
#   -DMODE=gcc_x_cxx     gcc -x c++ compiles, but only g++ links (gcc leaves out libstdc++);
#   -DMODE=cmake_c_sources  a CMake project with LANGUAGES CXX whose prog.c is marked
#                        LANGUAGE CXX, csapp taken with add_subdirectory.
#
# The program is the book's kind: a .c file, Malloc into a typed pointer, a thread, RIO over
# a pipe. It prints "recipe: ok" when it runs. Other inputs: SOURCE_DIR (the clone),
# WORK_ROOT (scratch space; each run gets a fresh mktemp directory, removed on success and
# kept on failure), and for cmake_c_sources CXX, GENERATOR and MAKE_PROGRAM.
cmake_minimum_required(VERSION 3.25)

foreach(var MODE SOURCE_DIR WORK_ROOT)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "recipes.cmake: -D${var}=... is required")
  endif()
endforeach()

file(MAKE_DIRECTORY ${WORK_ROOT})
execute_process(COMMAND mktemp -d ${WORK_ROOT}/${MODE}.XXXXXX
  OUTPUT_VARIABLE work OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT IS_DIRECTORY "${work}")
  message(FATAL_ERROR "cannot make a scratch directory under ${WORK_ROOT}")
endif()

# Runs one step in the scratch directory; on failure shows its output and keeps the scratch.
function(step what)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY ${work} RESULT_VARIABLE rc
    OUTPUT_VARIABLE out ERROR_VARIABLE out TIMEOUT 240)
  if(NOT rc EQUAL 0)
    list(JOIN ARGN " " command)
    message(FATAL_ERROR "${what} failed (${rc}); scratch kept in ${work}\n"
                        "command: ${command}\n${out}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

# Runs the program built by a recipe and checks what it printed.
function(run_program program)
  step("running ${program}" ${program})
  if(NOT step_output MATCHES "recipe: ok")
    message(FATAL_ERROR "${program} ran but printed:\n${step_output}\nscratch kept in ${work}")
  endif()
endfunction()

file(WRITE ${work}/prog.c [[
/* prog.c - a book-style program: C as the book writes it, compiled as C++ on csapp.h. */
#include "csapp.h"

void *thread(void *vargp)
{
    int fd = *((int *)vargp);
    Rio_writen(fd, "recipe: ok\n", 11);
    return NULL;
}

int main(void)
{
    int fds[2];
    int *fdp = Malloc(sizeof(int)); /* a typed pointer from Malloc, as in the book */
    char buf[MAXLINE];
    rio_t rio;
    pthread_t tid;

    if (pipe(fds) < 0)
        unix_error("pipe error");
    *fdp = fds[1];
    Pthread_create(&tid, NULL, thread, fdp);
    Pthread_join(tid, NULL);
    Free(fdp);
    Rio_readinitb(&rio, fds[0]);
    Rio_readlineb(&rio, buf, MAXLINE);
    printf("%s", buf);
    exit(0);
}
]])

if(MODE STREQUAL "makefile")
  find_program(MAKE NAMES make gmake)
  if(NOT MAKE)
    message("SKIPPED: no make on this machine")
    return()
  endif()
  # The drop-in way: the single header beside the program. It is generated afresh from
  # include/, as single_include/csapp.h is (single_include.drift checks the committed copy).
  step("amalgamate" ${CMAKE_COMMAND} -DOUTPUT_DIR=${work} -P ${SOURCE_DIR}/cmake/amalgamate.cmake)
  file(REMOVE ${work}/sbuf.h)
  string(ASCII 9 tab)
  file(WRITE ${work}/Makefile
    "# A lab Makefile for programs on csapp-conc's csapp.h: the compiler and the linker are g++.\n"
    "CC = g++\n"
    "CFLAGS = -std=c++17 -O2 -Wall -I.\n"
    "LDLIBS = -pthread\n\n"
    "all: prog\n\n"
    "prog: prog.o\n"
    "${tab}$(CC) $(CFLAGS) -o prog prog.o $(LDLIBS)\n\n"
    "prog.o: prog.c csapp.h\n"
    "${tab}$(CC) $(CFLAGS) -c prog.c\n\n"
    "clean:\n"
    "${tab}rm -f prog prog.o\n")
  step("make" ${MAKE})
  run_program(${work}/prog)
  # The Makefile a lab hands out says CC = gcc: it must stop on the line that says g++.
  step("make clean" ${MAKE} clean)
  execute_process(COMMAND ${MAKE} CC=gcc WORKING_DIRECTORY ${work}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out TIMEOUT 240)
  if(rc EQUAL 0 OR NOT out MATCHES "compile with g\\+\\+ -std=c\\+\\+17")
    message(FATAL_ERROR "make CC=gcc should stop on csapp.h's line naming g++:\n${out}")
  endif()
  message("recipe: make with CC = g++ builds and runs; CC = gcc stops on the header's advice")
  message("recipe: makefile: PASS")

elseif(MODE STREQUAL "gcc_x_cxx")
  find_program(GCC NAMES gcc)
  find_program(GXX NAMES g++)
  if(NOT GCC OR NOT GXX)
    message("SKIPPED: gcc and g++ are not both on this machine")
    return()
  endif()
  step("gcc -x c++ -c" ${GCC} -x c++ -std=c++17 -I ${SOURCE_DIR}/include -c prog.c -o prog.o)
  # Linking with gcc leaves out libstdc++: undefined references to std:: names.
  execute_process(COMMAND ${GCC} prog.o -pthread -o prog_gcc WORKING_DIRECTORY ${work}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(rc EQUAL 0)
    message(FATAL_ERROR "gcc linked a program built on csapp.h; the README says it cannot")
  endif()
  step("g++ link" ${GXX} prog.o -pthread -o prog)
  run_program(${work}/prog)
  message("recipe: gcc -x c++ compiles; gcc cannot link it, g++ does")
  message("recipe: gcc_x_cxx: PASS")

elseif(MODE STREQUAL "cmake_c_sources")
  foreach(var CXX GENERATOR)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
      message(FATAL_ERROR "recipes.cmake: -D${var}=... is required for ${MODE}")
    endif()
  endforeach()
  file(WRITE ${work}/CMakeLists.txt [[
cmake_minimum_required(VERSION 3.25)
project(app LANGUAGES CXX)  # no C: every .c file below is compiled as C++

add_subdirectory(${CSAPP_SOURCE_DIR} csapp)  # or: find_package(csapp REQUIRED)

add_executable(prog prog.c)
set_source_files_properties(prog.c PROPERTIES LANGUAGE CXX)
target_link_libraries(prog PRIVATE csapp::csapp)  # C++17, the include path and -pthread
]])
  set(args -S ${work} -B ${work}/build -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX}
    -DCSAPP_SOURCE_DIR=${SOURCE_DIR})
  if(MAKE_PROGRAM)
    list(APPEND args -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
  endif()
  step("configuring the project" ${CMAKE_COMMAND} ${args})
  step("building the project" ${CMAKE_COMMAND} --build ${work}/build)
  run_program(${work}/build/prog)
  message("recipe: CMake with LANGUAGES CXX and prog.c marked LANGUAGE CXX builds and runs")
  message("recipe: cmake_c_sources: PASS")

else()
  message(FATAL_ERROR "recipes.cmake: unknown MODE '${MODE}'")
endif()

file(REMOVE_RECURSE ${work})
