from zhenxing.cli import main

main()
