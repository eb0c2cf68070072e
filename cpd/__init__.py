"""Every registered social worker's CPD ledger and registration-year tracker."""
