# exercises/handout.cmake - writes the exercises' handout, a tarball a student unpacks anywhere:
#   cmake -DSOURCE=<repository> -DNAME=csapp-exercises-<version> -DOUT=<file.tar.gz> -P handout.cmake
# It holds exercises/ without solutions/ (each problem's README, starter and checks, the grader,
# the grade script), and what they build on: include/ (the library), single_include/ (the same
# library as one file, for the student's own programs), tools/echocheck/ and tools/httpcheck/
# (the checkers the checks use), Tiny's pieces that the web-server problems start from
# (examples/11.6-tiny/: tiny.hpp, the adder, the home page) and the LICENSE.
foreach(var SOURCE NAME OUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "handout.cmake needs -D${var}=...")
  endif()
endforeach()
set(stage_root ${OUT}.stage)
set(stage ${stage_root}/${NAME})
file(REMOVE_RECURSE ${stage_root})
file(COPY ${SOURCE}/exercises/ DESTINATION ${stage}
  PATTERN solutions EXCLUDE
  PATTERN .build EXCLUDE
  PATTERN .gitignore EXCLUDE)
file(COPY ${SOURCE}/include ${SOURCE}/single_include DESTINATION ${stage})
file(COPY ${SOURCE}/tools/echocheck ${SOURCE}/tools/httpcheck DESTINATION ${stage}/tools)
file(COPY ${SOURCE}/examples/11.6-tiny/tiny.hpp ${SOURCE}/examples/11.6-tiny/tiny.cpp
          ${SOURCE}/examples/11.6-tiny/adder.cpp ${SOURCE}/examples/11.6-tiny/www
     DESTINATION ${stage}/examples/11.6-tiny)
file(COPY ${SOURCE}/LICENSE DESTINATION ${stage})
execute_process(COMMAND ${CMAKE_COMMAND} -E tar czf ${OUT} ${NAME}
  WORKING_DIRECTORY ${stage_root} RESULT_VARIABLE failed)
file(REMOVE_RECURSE ${stage_root})
if(failed)
  message(FATAL_ERROR "could not write ${OUT}")
endif()
message(STATUS "Wrote ${OUT}")
