csapp_example(12.6-parallelism psum-mutex)
csapp_example(12.6-parallelism psum-array)
csapp_example(12.6-parallelism psum-local)
