csapp_example(12.4-sharing sharing)
