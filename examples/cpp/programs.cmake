csapp_example(cpp echoservert_cpp)
csapp_example(cpp echoservert_pre_cpp)
