from dq.cli import main

main()
