from mnistlab.tools.cli import main

raise SystemExit(main())
