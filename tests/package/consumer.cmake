# consumer.cmake - builds and runs tests/consumer against csapp-conc, as `cmake -P`.
#
#   -DMODE=find_package      install the build tree into a scratch prefix, then configure the
#                            consumer with CMAKE_PREFIX_PATH=<prefix> and find_package(csapp);
#   -DMODE=add_subdirectory  configure the consumer with add_subdirectory(<csapp source>);
#   -DMODE=pkg_config        install as for find_package, then compile the consumer's main.cpp
#                            by hand with `pkg-config --cflags --libs csapp`.
#
# Each run works in its own fresh directory under WORK_ROOT (made by mktemp), so parallel
# runs never share files; the directory is removed when the run passes and kept, for a look,
# when it fails. The last line on success is the consumer's own "...: PASS".
cmake_minimum_required(VERSION 3.25)

foreach(var MODE SOURCE_DIR BINARY_DIR WORK_ROOT CXX GENERATOR VERSION INCLUDEDIR DATADIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "consumer.cmake: -D${var}=... is required")
  endif()
endforeach()
set(consumer_dir ${SOURCE_DIR}/tests/consumer)

file(MAKE_DIRECTORY ${WORK_ROOT})
execute_process(COMMAND mktemp -d ${WORK_ROOT}/${MODE}.XXXXXX
  OUTPUT_VARIABLE work OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT IS_DIRECTORY "${work}")
  message(FATAL_ERROR "cannot make a scratch directory under ${WORK_ROOT}")
endif()
set(prefix ${work}/prefix)

# Runs one step; on failure shows its output and where the scratch directory is.
function(step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out
    TIMEOUT 240)
  if(NOT rc EQUAL 0)
    list(JOIN ARGN " " command)
    message(FATAL_ERROR "${what} failed (${rc}); scratch kept in ${work}\n"
                        "command: ${command}\n${out}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

function(require_file path)
  if(NOT EXISTS ${path})
    message(FATAL_ERROR "the installed tree lacks ${path}; scratch kept in ${work}")
  endif()
endfunction()

# Installs the build tree and checks the installed layout against the source tree.
function(install_and_check)
  step("cmake --install" ${CMAKE_COMMAND} --install ${BINARY_DIR} --prefix ${prefix})
  file(GLOB_RECURSE headers RELATIVE ${SOURCE_DIR}/include
    ${SOURCE_DIR}/include/*.h ${SOURCE_DIR}/include/*.hpp)
  foreach(header IN LISTS headers)
    require_file(${prefix}/${INCLUDEDIR}/${header})
  endforeach()
  foreach(file csappConfig.cmake csappConfigVersion.cmake csappTargets.cmake)
    require_file(${prefix}/${DATADIR}/cmake/csapp/${file})
  endforeach()
  # The exported target must point at the installed include directory.
  file(READ ${prefix}/${DATADIR}/cmake/csapp/csappTargets.cmake targets)
  string(FIND "${targets}" "INTERFACE_INCLUDE_DIRECTORIES \"\${_IMPORT_PREFIX}/${INCLUDEDIR}\""
    at)
  if(at EQUAL -1)
    message(FATAL_ERROR "csappTargets.cmake does not name \${_IMPORT_PREFIX}/${INCLUDEDIR}:\n"
                        "${targets}")
  endif()
  # The .pc file finds its prefix relative to itself, so the tree can be moved.
  set(pc ${prefix}/${DATADIR}/pkgconfig/csapp.pc)
  require_file(${pc})
  file(STRINGS ${pc} prefix_line REGEX "^prefix=")
  if(NOT prefix_line STREQUAL "prefix=\${pcfiledir}/../..")
    message(FATAL_ERROR "csapp.pc has '${prefix_line}', not 'prefix=\${pcfiledir}/../..'")
  endif()
  list(LENGTH headers n)
  message("installed ${n} headers, the CMake package and csapp.pc into ${prefix}")
endfunction()

# Configures and builds tests/consumer with extra cache settings; sets `program`.
function(build_consumer)
  set(build ${work}/build)
  set(args -S ${consumer_dir} -B ${build} -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX}
    -DCMAKE_BUILD_TYPE=Debug ${ARGN})
  if(MAKE_PROGRAM)
    list(APPEND args -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
  endif()
  step("configuring the consumer" ${CMAKE_COMMAND} ${args})
  step("building the consumer" ${CMAKE_COMMAND} --build ${build})
  set(program ${build}/consumer PARENT_SCOPE)
endfunction()

function(run_consumer program)
  step("running the consumer" ${program})
  string(STRIP "${step_output}" out)
  message("${out}")
endfunction()

if(MODE STREQUAL "find_package")
  install_and_check()
  build_consumer(-DCMAKE_PREFIX_PATH=${prefix} -DCONSUMER_CSAPP_VERSION=${VERSION}
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
  # Make sure the package came from the scratch prefix, not from somewhere on the system.
  file(STRINGS ${work}/build/CMakeCache.txt found REGEX "^csapp_DIR:")
  string(REGEX REPLACE "^csapp_DIR:[A-Z]+=" "" found "${found}")
  if(NOT found STREQUAL "${prefix}/${DATADIR}/cmake/csapp")
    message(FATAL_ERROR "find_package(csapp) used '${found}', not the scratch prefix ${prefix}")
  endif()
  run_consumer(${program})

elseif(MODE STREQUAL "add_subdirectory")
  build_consumer(-DCONSUMER_USE_SUBDIRECTORY=ON -DCSAPP_SOURCE_DIR=${SOURCE_DIR})
  # As a subproject csapp must not drag its tests along.
  if(EXISTS ${work}/build/csapp/tests)
    message(FATAL_ERROR "add_subdirectory(csapp) configured csapp's tests; it should not")
  endif()
  run_consumer(${program})

elseif(MODE STREQUAL "pkg_config")
  if(NOT PKG_CONFIG OR NOT EXISTS "${PKG_CONFIG}")
    message("SKIPPED: pkg-config was not found when the tests were configured")
    return()
  endif()
  install_and_check()
  set(ENV{PKG_CONFIG_PATH} ${prefix}/${DATADIR}/pkgconfig)
  step("pkg-config --modversion" ${PKG_CONFIG} --modversion csapp)
  string(STRIP "${step_output}" modversion)
  if(NOT modversion STREQUAL VERSION)
    message(FATAL_ERROR "pkg-config reports version '${modversion}', expected '${VERSION}'")
  endif()
  step("pkg-config --cflags --libs" ${PKG_CONFIG} --cflags --libs csapp)
  separate_arguments(flags UNIX_COMMAND "${step_output}")
  string(STRIP "${step_output}" shown)
  message("pkg-config --cflags --libs csapp: ${shown}")
  step("compiling with pkg-config's flags"
    ${CXX} -std=c++17 ${consumer_dir}/main.cpp ${flags} -o ${work}/consumer)
  run_consumer(${work}/consumer)

else()
  message(FATAL_ERROR "consumer.cmake: unknown MODE '${MODE}'")
endif()

file(REMOVE_RECURSE ${work})
