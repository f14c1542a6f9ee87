"""Pure prevention rules (no Django): risk factors, catalogue rules, suggestions, gaps."""
