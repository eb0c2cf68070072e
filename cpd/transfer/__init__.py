"""Moving CPD in and out of the portal: one registration year as a PDF or a CSV file, and an
import of earlier records from a CSV file the person keeps."""
