csapp_example(12.1-processes echoserverp)
# The same server with the parent's Close(connfd) left out on purpose, for the experiment in
# book-notes/12.1-processes.md: descriptors pile up and clients never see end of file.
csapp_example(12.1-processes echoserverp echoserverp_noclose)
target_compile_definitions(echoserverp_noclose PRIVATE FORGET_CLOSE_CONNFD)
