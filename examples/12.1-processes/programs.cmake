csapp_example(12.1-processes echoserverp)
