csapp_example(12.4-sharing sharing)
csapp_example(12.4-sharing sharing_ordered)
