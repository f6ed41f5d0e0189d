from xietong.cli import main

raise SystemExit(main())
