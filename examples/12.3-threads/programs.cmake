csapp_example(12.3-threads hello)
csapp_example(12.3-threads echoservert)
csapp_example(12.3-threads echoservert_cpp)
