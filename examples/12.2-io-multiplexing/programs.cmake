csapp_example(12.2-io-multiplexing select)
csapp_example(12.2-io-multiplexing echoservers)
csapp_example(12.2-io-multiplexing echoserver_nb)
csapp_example(12.2-io-multiplexing echoserver_epoll)
