"""Readers and writers of the inputs: the csv dump, cable files, markdown pages."""
