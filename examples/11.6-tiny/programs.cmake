# Tiny (Section 11.6) serves the files under its working directory, as in the book, so the
# build lays out a document root beside it: examples/11.6-tiny/www/ holds home.html, the image
# and cgi-bin/adder. Run it with: cd build/dev/examples/11.6-tiny/www && ../tiny 8000
csapp_example(11.6-tiny tiny)
csapp_example(11.6-tiny adder)
set_target_properties(adder PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/11.6-tiny/www/cgi-bin)
file(GLOB tiny_www CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/11.6-tiny/www/*)
foreach(file IN LISTS tiny_www)
  get_filename_component(name ${file} NAME)
  configure_file(${file} ${CMAKE_CURRENT_BINARY_DIR}/11.6-tiny/www/${name} COPYONLY)
endforeach()
