csapp_example(11.4-echo echoserveri)
csapp_example(11.4-echo echoclient)
